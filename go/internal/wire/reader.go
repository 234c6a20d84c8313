package wire

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"
)

// MaxStringLen is the longest string Kafka reads or writes, in bytes.
const MaxStringLen = 0x7fff

// maxInt32Len is the longest bytes or array length an int32 prefix carries
// (one less than math.MaxInt32, whose compact form would overflow).
const maxInt32Len = math.MaxInt32 - 1

// UUID is a Kafka UUID: 16 bytes, all zero for the nil UUID.
type UUID [16]byte

// String is the UUID as Kafka prints it (its Uuid.toString, and topic ids
// in its tools): URL-safe base64 without padding, 22 characters.
func (u UUID) String() string { return base64.RawURLEncoding.EncodeToString(u[:]) }

// ParseUUID reads a UUID in the form String writes.
func ParseUUID(s string) (UUID, error) {
	var u UUID
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != len(u) {
		return u, fmt.Errorf("kafka: %q is not a UUID (22 characters of URL-safe base64)", s)
	}
	copy(u[:], b)
	return u, nil
}

// Reader reads wire values from an input, keeping the offset of the next
// byte so that errors can say where they happened. Values of type bytes
// share the input: they are slices of it, not copies.
type Reader struct {
	buf []byte
	pos int
	end int
}

// NewReader returns a Reader over all of src.
func NewReader(src []byte) *Reader {
	return &Reader{buf: src, end: len(src)}
}

// Offset is the offset of the next byte in the whole input.
func (r *Reader) Offset() int { return r.pos }

// Remaining is the number of bytes left to read.
func (r *Reader) Remaining() int { return r.end - r.pos }

// Fail returns a DecodeError of the given kind at the current offset.
func (r *Reader) Fail(kind error, format string, args ...any) error {
	return &DecodeError{Offset: r.pos, Err: kindf(kind, format, args...), limit: r.end}
}

func (r *Reader) eof(needed int) error {
	return r.Fail(ErrUnexpectedEOF, "unexpected end of input: needed %d bytes, %d remaining", needed, r.Remaining())
}

// UnsupportedVersion is the decoding error for a version outside a
// message's valid versions.
func (r *Reader) UnsupportedVersion(version, min, max int16) error {
	return &DecodeError{Offset: r.pos, Err: versionError(version, min, max), limit: r.end}
}

// ExpectEnd fails unless every byte was read.
func (r *Reader) ExpectEnd() error {
	if n := r.Remaining(); n != 0 {
		return r.Fail(ErrTrailingBytes, "%d bytes left over after the message", n)
	}
	return nil
}

// take returns the next n bytes (n >= 0).
func (r *Reader) take(n int) ([]byte, error) {
	if r.Remaining() < n {
		return nil, r.eof(n)
	}
	b := r.buf[r.pos : r.pos+n : r.pos+n]
	r.pos += n
	return b, nil
}

// Bool reads a boolean: any non-zero byte is true, as Kafka reads it.
func (r *Reader) Bool() (bool, error) {
	b, err := r.take(1)
	if err != nil {
		return false, err
	}
	return b[0] != 0, nil
}

// Int8 reads an int8.
func (r *Reader) Int8() (int8, error) {
	b, err := r.take(1)
	if err != nil {
		return 0, err
	}
	return int8(b[0]), nil
}

// Int16 reads a big-endian int16.
func (r *Reader) Int16() (int16, error) {
	v, err := r.Uint16()
	return int16(v), err
}

// Uint16 reads a big-endian uint16.
func (r *Reader) Uint16() (uint16, error) {
	b, err := r.take(2)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint16(b), nil
}

// Int32 reads a big-endian int32.
func (r *Reader) Int32() (int32, error) {
	v, err := r.Uint32()
	return int32(v), err
}

// Uint32 reads a big-endian uint32.
func (r *Reader) Uint32() (uint32, error) {
	b, err := r.take(4)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b), nil
}

// Int64 reads a big-endian int64.
func (r *Reader) Int64() (int64, error) {
	b, err := r.take(8)
	if err != nil {
		return 0, err
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// Float64 reads a big-endian IEEE 754 double.
func (r *Reader) Float64() (float64, error) {
	b, err := r.take(8)
	if err != nil {
		return 0, err
	}
	return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
}

// UUID reads a UUID.
func (r *Reader) UUID() (UUID, error) {
	var u UUID
	b, err := r.take(16)
	if err != nil {
		return u, err
	}
	copy(u[:], b)
	return u, nil
}

// Uvarint reads an unsigned varint of at most 5 bytes.
func (r *Reader) Uvarint() (uint32, error) {
	start := r.pos
	var v uint32
	for i := 0; i < 5; i++ {
		if r.pos >= r.end {
			r.pos = start
			return 0, r.eof(i + 1)
		}
		b := r.buf[r.pos]
		r.pos++
		v |= uint32(b&0x7f) << (7 * i)
		if b < 0x80 {
			return v, nil
		}
	}
	r.pos = start
	return 0, r.Fail(ErrVarintTooLong, "varint is too long")
}

// Varint reads a zig-zag signed varint of at most 5 bytes.
func (r *Reader) Varint() (int32, error) {
	u, err := r.Uvarint()
	return int32(u>>1) ^ -int32(u&1), err
}

// Uvarlong reads an unsigned varlong of at most 10 bytes.
func (r *Reader) Uvarlong() (uint64, error) {
	start := r.pos
	var v uint64
	for i := 0; i < 10; i++ {
		if r.pos >= r.end {
			r.pos = start
			return 0, r.eof(i + 1)
		}
		b := r.buf[r.pos]
		r.pos++
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return v, nil
		}
	}
	r.pos = start
	return 0, r.Fail(ErrVarintTooLong, "varlong is too long")
}

// Varlong reads a zig-zag signed varlong of at most 10 bytes.
func (r *Reader) Varlong() (int64, error) {
	u, err := r.Uvarlong()
	return int64(u>>1) ^ -int64(u&1), err
}

// length reads a length prefix: compact (unsigned varint of length + 1),
// else int16 (short) or int32. A negative length is null: -1.
func (r *Reader) length(compact, short bool) (int, error) {
	switch {
	case compact:
		u, err := r.Uvarint()
		if err != nil {
			return 0, err
		}
		// Kafka reads the varint into an int and subtracts one in int
		// arithmetic: 2^31 wraps to the largest int (a length no input
		// holds), and from 2^31 + 1 on the length is negative, a null.
		n := int(int32(u) - 1)
		if n < 0 {
			return -1, nil
		}
		return n, nil
	case short:
		n, err := r.Int16()
		if err != nil {
			return 0, err
		}
		if n < 0 {
			return -1, nil
		}
		return int(n), nil
	default:
		n, err := r.Int32()
		if err != nil {
			return 0, err
		}
		if n < 0 {
			return -1, nil
		}
		return int(n), nil
	}
}

func (r *Reader) nullNotAllowed(version int16) error {
	return r.Fail(ErrNullNotAllowed, "null in a field that is not nullable at version %d", version)
}

func (r *Reader) stringBody(n int) (string, error) {
	if n > MaxStringLen {
		return "", r.Fail(ErrStringTooLong, "string length %d exceeds the maximum of %d", n, MaxStringLen)
	}
	start := r.pos
	b, err := r.lengthPrefixed(n)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", &DecodeError{Offset: start, Err: kindf(ErrInvalidUTF8, "string is not valid UTF-8"), limit: r.end}
	}
	return string(b), nil
}

// String reads a string that may not be null at version.
func (r *Reader) String(compact bool, version int16) (string, error) {
	n, err := r.length(compact, true)
	if err != nil {
		return "", err
	}
	if n < 0 {
		return "", r.nullNotAllowed(version)
	}
	return r.stringBody(n)
}

// NullableString reads a string that may be null where nullable says so
// (nil for null).
func (r *Reader) NullableString(compact, nullable bool, version int16) (*string, error) {
	n, err := r.length(compact, true)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		if !nullable {
			return nil, r.nullNotAllowed(version)
		}
		return nil, nil
	}
	s, err := r.stringBody(n)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// Bytes reads bytes that may not be null at version; the result shares
// the input. Empty bytes are an empty, non-nil slice.
func (r *Reader) Bytes(compact bool, version int16) ([]byte, error) {
	n, err := r.length(compact, false)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, r.nullNotAllowed(version)
	}
	return r.bytesBody(n)
}

// NullableBytes reads bytes that may be null where nullable says so (nil
// for null; empty bytes are an empty, non-nil slice).
func (r *Reader) NullableBytes(compact, nullable bool, version int16) ([]byte, error) {
	n, err := r.length(compact, false)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		if !nullable {
			return nil, r.nullNotAllowed(version)
		}
		return nil, nil
	}
	return r.bytesBody(n)
}

// lengthPrefixed takes the n bytes a length prefix announced: more than
// remain is the prefix's fault, a length past the input (as the Rust
// crate and the kit's negative vectors name it), not a plain end of input.
func (r *Reader) lengthPrefixed(n int) ([]byte, error) {
	if err := r.fits(uint64(n)); err != nil {
		return nil, err
	}
	return r.take(n)
}

// fits refuses a length (of bytes, a string, an array, a tagged field)
// larger than the bytes remaining, before anything is read or allocated.
func (r *Reader) fits(n uint64) error {
	if n > uint64(r.Remaining()) {
		return r.Fail(ErrLengthExceedsInput, "length %d exceeds the %d bytes remaining in the input", n, r.Remaining())
	}
	return nil
}

func (r *Reader) bytesBody(n int) ([]byte, error) {
	b, err := r.lengthPrefixed(n)
	if err != nil {
		return nil, err
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

// ArrayLen reads an array's length: -1 for null, where nullable allows it.
// A length larger than the bytes remaining is refused before anything is
// allocated (every element takes at least a byte on the wire, as Kafka
// also assumes).
func (r *Reader) ArrayLen(compact, nullable bool, version int16) (int, error) {
	n, err := r.length(compact, false)
	if err != nil {
		return 0, err
	}
	if n < 0 {
		if !nullable {
			return 0, r.nullNotAllowed(version)
		}
		return -1, nil
	}
	if err := r.fits(uint64(n)); err != nil {
		return 0, err
	}
	return n, nil
}

// StructMarker reads the presence marker of a nullable struct, where
// nullable (else there is none and the struct is present): an int8 (-1
// null), or in a tagged field an unsigned varint (0 null).
func (r *Reader) StructMarker(nullable, tagged bool) (bool, error) {
	if !nullable {
		return true, nil
	}
	if tagged {
		u, err := r.Uvarint()
		return u > 0, err
	}
	b, err := r.Int8()
	return b >= 0, err
}
