package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
)

// ErrJSON is the kind of the errors of reading Kafka's JSON form: JSON
// that does not describe the message at its version.
var ErrJSON = errors.New("JSON does not describe the message")

// JSONFail is an error of reading Kafka's JSON form (a DecodeError whose
// Offset is -1: the JSON has no byte offsets worth reporting).
func JSONFail(format string, args ...any) error {
	return &DecodeError{Offset: -1, Err: kindf(ErrJSON, format, args...)}
}

// ParseJSON parses JSON text into the tree the generated readers take
// (numbers kept as json.Number, so int64s keep every digit).
func ParseJSON(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, JSONFail("invalid JSON: %v", err)
	}
	if d.More() {
		return nil, JSONFail("invalid JSON: data after the value")
	}
	return v, nil
}

// JSONField appends a key of an object, after a comma unless it is the
// first one.
func JSONField(dst []byte, first *bool, name string) []byte {
	if !*first {
		dst = append(dst, ',')
	}
	*first = false
	dst = strconv.AppendQuote(dst, name)
	return append(dst, ':')
}

// AppendJSONBool appends true or false.
func AppendJSONBool(dst []byte, v bool) []byte { return strconv.AppendBool(dst, v) }

// AppendJSONInt appends an integer.
func AppendJSONInt(dst []byte, v int64) []byte { return strconv.AppendInt(dst, v, 10) }

// AppendJSONFloat appends a float64; NaN and the infinities, which JSON
// cannot hold, are written as the strings Java writes for them.
func AppendJSONFloat(dst []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(dst, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(v, -1):
		return append(dst, `"-Infinity"`...)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}

// AppendJSONString appends a JSON string.
func AppendJSONString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return append(dst, b...)
}

// AppendJSONNullableString appends a JSON string, or null for nil.
func AppendJSONNullableString(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	return AppendJSONString(dst, *s)
}

// AppendJSONBytes appends bytes in base64, as Kafka's JSON form has them.
func AppendJSONBytes(dst, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

// AppendJSONNullableBytes appends bytes in base64, or null for nil.
func AppendJSONNullableBytes(dst, b []byte) []byte {
	if b == nil {
		return append(dst, "null"...)
	}
	return AppendJSONBytes(dst, b)
}

// AppendJSONUUID appends a UUID in Kafka's form: URL-safe base64 without
// padding.
func AppendJSONUUID(dst []byte, u UUID) []byte {
	dst = append(dst, '"')
	dst = base64.RawURLEncoding.AppendEncode(dst, u[:])
	return append(dst, '"')
}

// JSONObject reads an object.
func JSONObject(x any) (map[string]any, error) {
	obj, ok := x.(map[string]any)
	if !ok {
		return nil, JSONFail("expected an object, found %s", jsonKind(x))
	}
	return obj, nil
}

// JSONUnknownKey is the error for an object with keys the version does not
// have: it names the first of them, in key order.
func JSONUnknownKey(obj map[string]any, known func(string) bool) error {
	var unknown []string
	for k := range obj {
		if !known(k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	first := unknown[0]
	for _, k := range unknown[1:] {
		if k < first {
			first = k
		}
	}
	return JSONFail("unknown field %q", first)
}

// JSONMissing is the error for a field the version has that the object
// lacks.
func JSONMissing(name string) error { return JSONFail("missing field %q", name) }

// JSONArray reads an array; null is (nil, true).
func JSONArray(x any) ([]any, bool, error) {
	switch a := x.(type) {
	case nil:
		return nil, true, nil
	case []any:
		return a, false, nil
	}
	return nil, false, JSONFail("expected an array, found %s", jsonKind(x))
}

// JSONBool reads a boolean.
func JSONBool(x any) (bool, error) {
	b, ok := x.(bool)
	if !ok {
		return false, JSONFail("expected a boolean, found %s", jsonKind(x))
	}
	return b, nil
}

// JSONInt reads an integer in min..max; integers given as strings are
// refused, as Kafka refuses them.
func JSONInt(x any, min, max int64) (int64, error) {
	n, ok := x.(json.Number)
	if !ok {
		return 0, JSONFail("expected an integer, found %s", jsonKind(x))
	}
	v, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || v < min || v > max {
		return 0, JSONFail("%s is not an integer in %d..%d", n, min, max)
	}
	return v, nil
}

// JSONFloat reads a float64 (also "NaN", "Infinity" and "-Infinity").
func JSONFloat(x any) (float64, error) {
	switch v := x.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return 0, JSONFail("%s is not a float64", v)
		}
		return f, nil
	case string:
		switch v {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
	}
	return 0, JSONFail("expected a number, found %s", jsonKind(x))
}

// JSONString reads a string that may not be null.
func JSONString(x any) (string, error) {
	s, ok := x.(string)
	if !ok {
		return "", JSONFail("expected a string, found %s", jsonKind(x))
	}
	return s, nil
}

// JSONNullableString reads a string or null (nil).
func JSONNullableString(x any) (*string, error) {
	if x == nil {
		return nil, nil
	}
	s, err := JSONString(x)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// JSONBytes reads base64 bytes that may not be null (empty is a non-nil
// empty slice).
func JSONBytes(x any) ([]byte, error) {
	s, ok := x.(string)
	if !ok {
		return nil, JSONFail("expected base64 bytes, found %s", jsonKind(x))
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, JSONFail("invalid base64: %v", err)
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

// JSONNullableBytes reads base64 bytes or null (nil).
func JSONNullableBytes(x any) ([]byte, error) {
	if x == nil {
		return nil, nil
	}
	return JSONBytes(x)
}

// JSONUUID reads a UUID in Kafka's form (URL-safe base64 without padding).
func JSONUUID(x any) (UUID, error) {
	var u UUID
	s, ok := x.(string)
	if !ok {
		return u, JSONFail("expected a UUID, found %s", jsonKind(x))
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 16 {
		return u, JSONFail("invalid UUID %q", s)
	}
	copy(u[:], b)
	return u, nil
}

func jsonKind(x any) string {
	switch v := x.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		if len(v) > 20 {
			v = v[:20] + "..."
		}
		return "the string " + strconv.Quote(strings.ToValidUTF8(v, "?"))
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "an unknown value"
}
