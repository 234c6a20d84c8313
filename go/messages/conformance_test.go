package messages_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kafka-wire/kafka-wire/go/messages"
)

// kitDirs are the kit's directories of vectors this test reads; every line
// of every file in them must be checked.
var kitDirs = []string{"messages", "headers", "frames", "types"}

// vector is one line of a kit file.
type vector struct {
	API           string          `json:"api"`
	APIKey        *int16          `json:"api_key"`
	Direction     string          `json:"direction"`
	Header        string          `json:"header"`
	Type          string          `json:"type"`
	HeaderVersion *int16          `json:"header_version"`
	Version       int16           `json:"version"`
	Case          string          `json:"case"`
	Unknown       bool            `json:"unknown_tagged_fields"`
	JSON          json.RawMessage `json:"json"`
	Hex           string          `json:"hex"`
}

// TestConformanceKit runs every vector of the kit as its README says:
// decode the bytes using every byte, compare the message with the vector's
// JSON (in Kafka's JSON form), re-encode it to exactly its bytes (Size the
// exact length), and, unless the bytes hold unknown tagged fields, encode
// what the JSON describes to exactly the bytes.
func TestConformanceKit(t *testing.T) {
	var files []kitFile
	for _, dir := range kitDirs {
		files = append(files, kitFiles(t, dir)...)
	}
	lines, checked := 0, 0
	for _, file := range files {
		lines += len(file.Lines)
		t.Run(file.Name, func(t *testing.T) {
			dir := filepath.Dir(file.Name)
			for i, text := range file.Lines {
				line := i + 1
				var v vector
				if err := json.Unmarshal(text, &v); err != nil {
					t.Fatalf("line %d: %v", line, err)
				}
				raw, err := hex.DecodeString(v.Hex)
				if err != nil {
					t.Fatalf("line %d: %v", line, err)
				}
				at := func(format string, args ...any) {
					t.Helper()
					t.Errorf("line %d (v%d %s): "+format, append([]any{line, v.Version, v.Case}, args...)...)
				}
				if dir == "frames" {
					if err := checkFrame(v, raw); err != nil {
						at("%v", err)
						continue
					}
				} else {
					m, err := messageOf(dir, v)
					if err != nil {
						t.Fatalf("line %d: %v", line, err)
					}
					if err := roundTrip(m, raw, v.Version, v.JSON, v.Unknown); err != nil {
						at("%v", err)
						continue
					}
				}
				checked++
			}
		})
	}
	t.Logf("%d vectors of %d files checked", checked, len(files))
	if checked != lines {
		t.Errorf("checked %d vectors, but the kit's files have %d lines", checked, lines)
	}
}

// messageOf is a new message of the vector's kind.
func messageOf(dir string, v vector) (messages.Message, error) {
	switch dir {
	case "messages":
		return body(v)
	case "headers":
		return byName(v.Header)
	case "types":
		return byName(v.Type)
	}
	return nil, errorf("unknown kit directory %s", dir)
}

func body(v vector) (messages.Message, error) {
	if v.APIKey == nil {
		return nil, errorf("no api_key")
	}
	key := messages.APIKey(*v.APIKey)
	if key.Name() != v.API {
		return nil, errorf("api key %d is %q here, %q in the kit", *v.APIKey, key.Name(), v.API)
	}
	switch v.Direction {
	case "request":
		return key.NewRequest(), nil
	case "response":
		return key.NewResponse(), nil
	}
	return nil, errorf("unknown direction %q", v.Direction)
}

func byName(name string) (messages.Message, error) {
	m, ok := messages.New(name)
	if !ok {
		return nil, errorf("no message named %q", name)
	}
	return m, nil
}

// roundTrip decodes raw at version (every byte), compares it with
// wantJSON, checks Size, re-encodes it to exactly raw, and (unless raw
// holds unknown tagged fields, which JSON does not) encodes what wantJSON
// describes to raw.
func roundTrip(m messages.Message, raw []byte, version int16, wantJSON []byte, unknown bool) error {
	if err := m.Decode(raw, version); err != nil {
		return err
	}
	if err := sameJSON(m, version, wantJSON); err != nil {
		return err
	}
	if size := m.Size(version); size != len(raw) {
		return errorf("Size is %d, the vector has %d bytes", size, len(raw))
	}
	out, err := m.AppendTo(nil, version)
	if err != nil {
		return err
	}
	if !bytes.Equal(out, raw) {
		return errorf("re-encoded to %x, want %x", out, raw)
	}
	if unknown {
		return nil
	}
	if err := m.DecodeJSON(wantJSON, version); err != nil {
		return errorf("from JSON: %v", err)
	}
	if out, err = m.AppendTo(nil, version); err != nil {
		return errorf("from JSON: %v", err)
	}
	if !bytes.Equal(out, raw) {
		return errorf("from JSON: encoded to %x, want %x", out, raw)
	}
	return nil
}

// sameJSON compares m in Kafka's JSON form with want.
func sameJSON(m messages.Message, version int16, want []byte) error {
	got, err := m.AppendJSON(nil, version)
	if err != nil {
		return err
	}
	g, err := parseJSON(got)
	if err != nil {
		return errorf("AppendJSON wrote invalid JSON %s: %v", got, err)
	}
	w, err := parseJSON(want)
	if err != nil {
		return err
	}
	if path, ok := equalJSON(g, w, ""); !ok {
		return errorf("JSON differs at %q: got %s, want %s", path, got, want)
	}
	return nil
}

func parseJSON(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// equalJSON compares two JSON values; numbers are equal when they are the
// same number, however written (Java and Go write doubles differently).
func equalJSON(a, b any, path string) (string, bool) {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return path, false
		}
		for k, av := range a {
			bv, ok := b[k]
			if !ok {
				return path + "/" + k, false
			}
			if p, ok := equalJSON(av, bv, path+"/"+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return path, false
		}
		for i := range a {
			if p, ok := equalJSON(a[i], b[i], fmt.Sprintf("%s/%d", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	case json.Number:
		b, ok := b.(json.Number)
		if !ok {
			return path, false
		}
		if a == b {
			return "", true
		}
		fa, errA := strconv.ParseFloat(string(a), 64)
		fb, errB := strconv.ParseFloat(string(b), 64)
		return path, errA == nil && errB == nil && fa == fb && strings.ContainsAny(string(a)+string(b), ".eE")
	default:
		return path, a == b
	}
}

// checkFrame checks a whole frame: its size prefix, its header at the
// header version its api and version call for, and its body.
func checkFrame(v vector, raw []byte) error {
	if len(raw) < 4 || int(binary.BigEndian.Uint32(raw)) != len(raw)-4 {
		return errorf("the size prefix is not the size of the rest")
	}
	m, err := body(v)
	if err != nil {
		return err
	}
	key := messages.APIKey(*v.APIKey)
	var header messages.Message
	var headerVersion int16
	if v.Direction == "request" {
		header, headerVersion = &messages.RequestHeader{}, key.RequestHeaderVersion(v.Version)
	} else {
		header, headerVersion = &messages.ResponseHeader{}, key.ResponseHeaderVersion(v.Version)
	}
	if v.HeaderVersion == nil || *v.HeaderVersion != headerVersion {
		return errorf("header version %v in the kit, %d here", v.HeaderVersion, headerVersion)
	}
	n, err := header.DecodePrefix(raw[4:], headerVersion)
	if err != nil {
		return err
	}
	if h, ok := header.(*messages.RequestHeader); ok && (h.RequestAPIKey != *v.APIKey || h.RequestAPIVersion != v.Version) {
		return errorf("the header names api %d v%d", h.RequestAPIKey, h.RequestAPIVersion)
	}
	if err := m.Decode(raw[4+n:], v.Version); err != nil {
		return err
	}
	var parts struct {
		Header  json.RawMessage `json:"header"`
		Message json.RawMessage `json:"message"`
	}
	if err := json.Unmarshal(v.JSON, &parts); err != nil {
		return err
	}
	if err := sameJSON(header, headerVersion, parts.Header); err != nil {
		return errorf("header: %v", err)
	}
	if err := sameJSON(m, v.Version, parts.Message); err != nil {
		return err
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(header.Size(headerVersion)+m.Size(v.Version)))
	if out, err = header.AppendTo(out, headerVersion); err != nil {
		return err
	}
	if out, err = m.AppendTo(out, v.Version); err != nil {
		return err
	}
	if !bytes.Equal(out, raw) {
		return errorf("re-encoded to %x, want %x", out, raw)
	}
	// The same through the frame functions.
	var again []byte
	if v.Direction == "request" {
		h, b, err := messages.DecodeRequest(raw[4:])
		if err != nil {
			return errorf("DecodeRequest: %v", err)
		}
		again, err = messages.AppendRequest(nil, b, v.Version, h.CorrelationID, h.ClientID)
		if err != nil {
			return errorf("AppendRequest: %v", err)
		}
	} else {
		h, b, err := messages.DecodeResponse(raw[4:], key, v.Version)
		if err != nil {
			return errorf("DecodeResponse: %v", err)
		}
		again, err = messages.AppendResponse(nil, b, v.Version, h.CorrelationID)
		if err != nil {
			return errorf("AppendResponse: %v", err)
		}
	}
	if !bytes.Equal(again, raw) {
		return errorf("the frame functions wrote %x, want %x", again, raw)
	}
	return nil
}

func errorf(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}
