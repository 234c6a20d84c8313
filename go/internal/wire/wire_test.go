package wire

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestVarints(t *testing.T) {
	tests := []struct {
		name  string
		value int64
		bytes []byte
	}{
		{"zero", 0, []byte{0}},
		{"minus one", -1, []byte{1}},
		{"one", 1, []byte{2}},
		{"sixty-four", 64, []byte{0x80, 1}},
		{"int32 max", math.MaxInt32, []byte{0xfe, 0xff, 0xff, 0xff, 0x0f}},
		{"int32 min", math.MinInt32, []byte{0xff, 0xff, 0xff, 0xff, 0x0f}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendVarint(nil, int32(tt.value))
			if !bytes.Equal(got, tt.bytes) {
				t.Fatalf("AppendVarint = %x, want %x", got, tt.bytes)
			}
			v, err := NewReader(tt.bytes).Varint()
			if err != nil || int64(v) != tt.value {
				t.Fatalf("Varint = %d, %v, want %d", v, err, tt.value)
			}
			l, err := NewReader(AppendVarlong(nil, tt.value)).Varlong()
			if err != nil || l != tt.value {
				t.Fatalf("Varlong = %d, %v, want %d", l, err, tt.value)
			}
		})
	}
	long := AppendVarlong(nil, math.MinInt64)
	if len(long) != 10 || UvarlongSize(math.MaxUint64) != 10 {
		t.Fatalf("varlong of MinInt64 is %d bytes", len(long))
	}
	if v, err := NewReader(long).Varlong(); err != nil || v != math.MinInt64 {
		t.Fatalf("Varlong = %d, %v", v, err)
	}
}

func TestBadVarints(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		kind  error
	}{
		{"empty", nil, ErrUnexpectedEOF},
		{"cut short", []byte{0x80, 0x80}, ErrUnexpectedEOF},
		{"six bytes", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0}, ErrVarintTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(tt.input)
			_, err := r.Uvarint()
			if !errors.Is(err, tt.kind) {
				t.Fatalf("error %v, want %v", err, tt.kind)
			}
			if r.Offset() != 0 {
				t.Fatalf("a failed read moved the reader to %d", r.Offset())
			}
		})
	}
}

func TestStrings(t *testing.T) {
	s := "ab"
	tests := []struct {
		name     string
		value    *string
		compact  bool
		nullable bool
		bytes    []byte
	}{
		{"int16 length", &s, false, false, []byte{0, 2, 'a', 'b'}},
		{"compact", &s, true, false, []byte{3, 'a', 'b'}},
		{"null", nil, false, true, []byte{0xff, 0xff}},
		{"compact null", nil, true, true, []byte{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendNullableString(nil, tt.value, tt.compact, tt.nullable, 1)
			if err != nil || !bytes.Equal(got, tt.bytes) {
				t.Fatalf("AppendNullableString = %x, %v, want %x", got, err, tt.bytes)
			}
			if size := NullableStringSize(tt.value, tt.compact); size != len(tt.bytes) {
				t.Fatalf("NullableStringSize = %d, want %d", size, len(tt.bytes))
			}
			r := NewReader(tt.bytes)
			back, err := r.NullableString(tt.compact, tt.nullable, 1)
			if err != nil || (back == nil) != (tt.value == nil) || (back != nil && *back != *tt.value) {
				t.Fatalf("NullableString = %v, %v", back, err)
			}
			if err := r.ExpectEnd(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	long := strings.Repeat("x", MaxStringLen+1)
	tests := []struct {
		name string
		err  func() error
		kind error
	}{
		{"over-long string", func() error { _, err := AppendString(nil, long, true); return err }, ErrTooLong},
		{"null string where not nullable", func() error {
			_, err := AppendNullableString(nil, nil, false, false, 3)
			return err
		}, ErrNullNotAllowed},
		{"null bytes where not nullable", func() error {
			_, err := AppendNullableBytes(nil, nil, true, false, 3)
			return err
		}, ErrNullNotAllowed},
		{"null array where not nullable", func() error { _, err := AppendNullArray(nil, true, false, 3); return err }, ErrNullNotAllowed},
		{"missing struct where not nullable", func() error {
			_, err := AppendStructMarker(nil, false, false, false, 3)
			return err
		}, ErrNullNotAllowed},
		{"unknown tags where not flexible", func() error {
			_, err := AppendUnknownTags(nil, []RawTaggedField{{Tag: 1}}, false, 3)
			return err
		}, ErrTaggedFieldsNotAllowed},
		{"null string read where not nullable", func() error {
			_, err := NewReader([]byte{0xff, 0xff}).String(false, 3)
			return err
		}, ErrNullNotAllowed},
		{"over-long compact string read", func() error {
			_, err := NewReader(AppendUvarint(nil, MaxStringLen+2)).String(true, 3)
			return err
		}, ErrStringTooLong},
		{"invalid UTF-8", func() error { _, err := NewReader([]byte{0, 1, 0xff}).String(false, 3); return err }, ErrInvalidUTF8},
		{"bytes longer than the input", func() error {
			_, err := NewReader([]byte{0, 0, 0, 5, 1}).Bytes(false, 3)
			return err
		}, ErrLengthExceedsInput},
		{"a string longer than the input", func() error {
			_, err := NewReader([]byte{0, 5, 'a'}).String(false, 3)
			return err
		}, ErrLengthExceedsInput},
		{"a length cut short", func() error {
			_, err := NewReader([]byte{0, 0, 0}).Bytes(false, 3)
			return err
		}, ErrUnexpectedEOF},
		{"negative tagged field count", func() error {
			_, err := NewReader(AppendUvarint(nil, math.MaxInt32+1)).TagCount()
			return err
		}, ErrNegativeTaggedCount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.err(); !errors.Is(err, tt.kind) {
				t.Fatalf("error %v, want %v", err, tt.kind)
			}
		})
	}
}

// An array length is checked against the input before anything is
// allocated: a four-byte input cannot ask for a billion elements.
func TestArrayLengthIsCheckedBeforeAllocating(t *testing.T) {
	r := NewReader([]byte{0x3f, 0xff, 0xff, 0xff, 1, 2})
	_, err := r.ArrayLen(false, false, 0)
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrLengthExceedsInput) || de.Offset != 4 {
		t.Fatalf("error %v, want ErrLengthExceedsInput at byte 4", err)
	}
	compact := NewReader([]byte{3, 1})
	if _, err := compact.ArrayLen(true, false, 0); !errors.Is(err, ErrLengthExceedsInput) {
		t.Fatalf("compact: error %v", err)
	}
	null := NewReader([]byte{0})
	if n, err := null.ArrayLen(true, true, 0); n != -1 || err != nil {
		t.Fatalf("compact null = %d, %v", n, err)
	}
}

func TestTaggedSections(t *testing.T) {
	unknown := []RawTaggedField{{Tag: 1, Data: []byte{0xaa}}, {Tag: 5, Data: []byte{0xbb, 0xcc}}}
	dst, w, err := StartTags(nil, unknown, 1)
	if err != nil {
		t.Fatal(err)
	}
	dst = w.Header(dst, 3, 1) // writes tag 1 first
	dst = append(dst, 0x33)
	dst = w.Finish(dst)
	want := []byte{3, 1, 1, 0xaa, 3, 1, 0x33, 5, 2, 0xbb, 0xcc}
	if !bytes.Equal(dst, want) {
		t.Fatalf("section %x, want %x", dst, want)
	}
	var s TagSizer
	s.Add(3, 1)
	if s.Total(unknown) != len(want) {
		t.Fatalf("TagSizer.Total = %d, want %d", s.Total(unknown), len(want))
	}

	r := NewReader(want)
	count, err := r.TagCount()
	if err != nil || count != 3 {
		t.Fatalf("TagCount = %d, %v", count, err)
	}
	var tags []uint32
	for range count {
		tag, field, err := r.TaggedField()
		if err != nil {
			t.Fatal(err)
		}
		tags = append(tags, tag)
		field.Rest()
	}
	if len(tags) != 3 || tags[0] != 1 || tags[1] != 3 || tags[2] != 5 {
		t.Fatalf("tags %v", tags)
	}
}

// A known tagged field must use exactly its declared size.
func TestKnownTagSize(t *testing.T) {
	tests := []struct {
		name  string
		input []byte // tag 0, its size, its value
	}{
		{"value shorter than declared", []byte{0, 3, 0, 0}},
		{"value longer than declared", []byte{0, 1, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(append(tt.input, 0, 0, 0, 0))
			tag, field, err := r.TaggedField()
			if err != nil {
				t.Fatal(err)
			}
			start := field.Offset()
			_, err = field.Int16()
			if err = EndKnownTag(&field, start, tag, err); !errors.Is(err, ErrTaggedFieldSize) {
				t.Fatalf("error %v, want ErrTaggedFieldSize", err)
			}
		})
	}
}

func TestErrorPaths(t *testing.T) {
	err := NewReader([]byte{1}).eof(2)
	err = InMessage(InField(InIndex(InField(err, "Name"), 2), "Topics"), "MetadataRequest")
	want := "kafka: decoding MetadataRequest field Topics[2].Name at byte 0: unexpected end of input: needed 2 bytes, 1 remaining"
	if err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
}

// A compact length is the varint minus one in int32 arithmetic, as Kafka
// computes it: 2^31 wraps to the largest int32 (longer than any input, or
// any string), above it the length is negative (a null), on every
// platform.
func TestCompactLengthsAtTheInt32Edge(t *testing.T) {
	tests := []struct {
		name    string
		input   []byte
		refused bool
	}{
		{"2^31 is too long, not null", []byte{0x80, 0x80, 0x80, 0x80, 0x08}, true},
		{"2^31 + 1 is null", []byte{0x81, 0x80, 0x80, 0x80, 0x08}, false},
		{"2^32 - 1 is null", []byte{0xff, 0xff, 0xff, 0xff, 0x0f}, false},
		{"0 is null", []byte{0x00}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewReader(tt.input).NullableString(true, true, 9)
			if (err != nil) != tt.refused || (err == nil && s != nil) {
				t.Fatalf("NullableString = %v, %v; want refused %v, else null", s, err, tt.refused)
			}
			n, err := NewReader(tt.input).ArrayLen(true, true, 9)
			if tt.refused && !errors.Is(err, ErrLengthExceedsInput) || !tt.refused && (err != nil || n != -1) {
				t.Fatalf("ArrayLen = %d, %v; want refused %v, else null", n, err, tt.refused)
			}
		})
	}
}
