package messages_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"

	"github.com/kafka-wire/kafka-wire/go/messages"
)

// negative is one line of the kit's negative/ files (conformance/README.md).
type negative struct {
	API       string `json:"api"`
	APIKey    *int16 `json:"api_key"`
	Direction string `json:"direction"`
	Version   int16  `json:"version"`
	Case      string `json:"case"`
	FromHex   string `json:"from_hex"`
	Splice    struct {
		At     int    `json:"at"`
		Remove int    `json:"remove"`
		Insert string `json:"insert"`
	} `json:"splice"`
	Ours string  `json:"ours"`
	Kept *string `json:"kept_difference"`
	Hex  string  `json:"hex"`
}

// kinds maps the kit's `ours` (kafka-wire's error kinds) to this package's.
var kinds = map[string]error{
	"UnexpectedEof":      messages.ErrUnexpectedEOF,
	"LengthExceedsInput": messages.ErrLengthExceedsInput,
	"NullNotAllowed":     messages.ErrNullNotAllowed,
	"VarintTooLong":      messages.ErrVarintTooLong,
	"InvalidUtf8":        messages.ErrInvalidUTF8,
}

// TestConformanceNegatives reads every negative vector: its input is the
// splice of the valid vector it names, and decoding it fails with the
// kind kafka-wire's Rust readers give (for a kept difference too: this
// package refuses a string that is not UTF-8, as they do, where Kafka
// reads it with replacement characters).
func TestConformanceNegatives(t *testing.T) {
	files := kitFiles(t, "negative")
	lines, checked := 0, 0
	for _, file := range files {
		lines += len(file.Lines)
		for i, text := range file.Lines {
			var v negative
			if err := json.Unmarshal(text, &v); err != nil {
				t.Fatalf("%s:%d: %v", file.Name, i+1, err)
			}
			if err := checkNegative(v); err != nil {
				t.Errorf("%s:%d (v%d %s): %v", file.Name, i+1, v.Version, v.Case, err)
				continue
			}
			checked++
		}
	}
	t.Logf("%d negative vectors of %d files checked", checked, len(files))
	if checked != lines {
		t.Errorf("checked %d negative vectors, but the files have %d lines", checked, lines)
	}
}

func checkNegative(v negative) error {
	from, err := hex.DecodeString(v.FromHex)
	if err != nil {
		return err
	}
	insert, err := hex.DecodeString(v.Splice.Insert)
	if err != nil {
		return err
	}
	input, err := hex.DecodeString(v.Hex)
	if err != nil {
		return err
	}
	at, end := v.Splice.At, v.Splice.At+v.Splice.Remove
	if at < 0 || end > len(from) || at > end {
		return errorf("splice %+v outside the %d bytes of from_hex", v.Splice, len(from))
	}
	spliced := append(append(append([]byte{}, from[:at]...), insert...), from[end:]...)
	if !bytes.Equal(spliced, input) {
		return errorf("the splice of from_hex is %x, not hex", spliced)
	}
	kind, ok := kinds[v.Ours]
	if !ok {
		return errorf("unknown error kind %q", v.Ours)
	}
	m, err := body(vector{API: v.API, APIKey: v.APIKey, Direction: v.Direction})
	if err != nil {
		return err
	}
	err = m.Decode(input, v.Version)
	if !errors.Is(err, kind) {
		return errorf("decoding gave %v, want a %s", err, v.Ours)
	}
	return nil
}
