package wire

import (
	"encoding/binary"
	"math"
	"unicode/utf8"
)

// AppendBool appends a boolean as one byte, 1 or 0.
func AppendBool(dst []byte, v bool) []byte {
	if v {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// AppendInt8 appends an int8.
func AppendInt8(dst []byte, v int8) []byte { return append(dst, byte(v)) }

// AppendInt16 appends a big-endian int16.
func AppendInt16(dst []byte, v int16) []byte { return binary.BigEndian.AppendUint16(dst, uint16(v)) }

// AppendUint16 appends a big-endian uint16.
func AppendUint16(dst []byte, v uint16) []byte { return binary.BigEndian.AppendUint16(dst, v) }

// AppendInt32 appends a big-endian int32.
func AppendInt32(dst []byte, v int32) []byte { return binary.BigEndian.AppendUint32(dst, uint32(v)) }

// AppendUint32 appends a big-endian uint32.
func AppendUint32(dst []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(dst, v) }

// AppendInt64 appends a big-endian int64.
func AppendInt64(dst []byte, v int64) []byte { return binary.BigEndian.AppendUint64(dst, uint64(v)) }

// AppendFloat64 appends a big-endian IEEE 754 double.
func AppendFloat64(dst []byte, v float64) []byte {
	return binary.BigEndian.AppendUint64(dst, math.Float64bits(v))
}

// AppendUUID appends a UUID's 16 bytes.
func AppendUUID(dst []byte, v UUID) []byte { return append(dst, v[:]...) }

// AppendUvarint appends an unsigned varint.
func AppendUvarint(dst []byte, v uint32) []byte {
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	return append(dst, byte(v))
}

// AppendVarint appends a zig-zag signed varint.
func AppendVarint(dst []byte, v int32) []byte {
	return AppendUvarint(dst, uint32(v<<1)^uint32(v>>31))
}

// AppendUvarlong appends an unsigned varlong.
func AppendUvarlong(dst []byte, v uint64) []byte {
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	return append(dst, byte(v))
}

// AppendVarlong appends a zig-zag signed varlong.
func AppendVarlong(dst []byte, v int64) []byte {
	return AppendUvarlong(dst, uint64(v<<1)^uint64(v>>63))
}

// UvarintSize is the encoded size of an unsigned varint.
func UvarintSize(v uint32) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// UvarlongSize is the encoded size of an unsigned varlong.
func UvarlongSize(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

func appendLength(dst []byte, n int, compact, short bool) []byte {
	switch {
	case compact:
		return AppendUvarint(dst, uint32(n)+1)
	case short:
		return AppendInt16(dst, int16(n))
	default:
		return AppendInt32(dst, int32(n))
	}
}

func appendNull(dst []byte, compact, short bool) []byte {
	switch {
	case compact:
		return append(dst, 0)
	case short:
		return AppendInt16(dst, -1)
	default:
		return AppendInt32(dst, -1)
	}
}

func lengthSize(n int, compact, short bool) int {
	switch {
	case compact:
		return UvarintSize(uint32(n) + 1)
	case short:
		return 2
	default:
		return 4
	}
}

func nullSize(compact, short bool) int {
	switch {
	case compact:
		return 1
	case short:
		return 2
	default:
		return 4
	}
}

// AppendString appends a string; one longer than MaxStringLen bytes is an
// error, as in Kafka, and so is one that is not UTF-8: a Go string may
// hold any bytes, but Kafka's strings are text, and a reader (this
// package's, the Rust crate's) refuses such bytes.
func AppendString(dst []byte, s string, compact bool) ([]byte, error) {
	if len(s) > MaxStringLen {
		return dst, tooLong(len(s), MaxStringLen)
	}
	if !utf8.ValidString(s) {
		return dst, &EncodeError{Err: kindf(ErrInvalidUTF8, "string is not valid UTF-8")}
	}
	dst = appendLength(dst, len(s), compact, true)
	return append(dst, s...), nil
}

// AppendNullableString appends a string that may be null (nil) where
// nullable says so; null elsewhere is an error.
func AppendNullableString(dst []byte, s *string, compact, nullable bool, version int16) ([]byte, error) {
	if s != nil {
		return AppendString(dst, *s, compact)
	}
	if !nullable {
		return dst, nullNotAllowed(version)
	}
	return appendNull(dst, compact, true), nil
}

// StringSize is the encoded size of a string.
func StringSize(s string, compact bool) int {
	return lengthSize(len(s), compact, true) + len(s)
}

// NullableStringSize is the encoded size of a string that may be nil.
func NullableStringSize(s *string, compact bool) int {
	if s == nil {
		return nullSize(compact, true)
	}
	return StringSize(*s, compact)
}

// AppendBytes appends bytes (nil is written as empty).
func AppendBytes(dst, b []byte, compact bool) ([]byte, error) {
	if len(b) > maxInt32Len {
		return dst, tooLong(len(b), maxInt32Len)
	}
	dst = appendLength(dst, len(b), compact, false)
	return append(dst, b...), nil
}

// AppendNullableBytes appends bytes that may be null (nil) where nullable
// says so; null elsewhere is an error.
func AppendNullableBytes(dst, b []byte, compact, nullable bool, version int16) ([]byte, error) {
	if b != nil {
		return AppendBytes(dst, b, compact)
	}
	if !nullable {
		return dst, nullNotAllowed(version)
	}
	return appendNull(dst, compact, false), nil
}

// BytesSize is the encoded size of bytes.
func BytesSize(b []byte, compact bool) int {
	return lengthSize(len(b), compact, false) + len(b)
}

// NullableBytesSize is the encoded size of bytes that may be nil.
func NullableBytesSize(b []byte, compact bool) int {
	if b == nil {
		return nullSize(compact, false)
	}
	return BytesSize(b, compact)
}

// AppendArrayLen appends an array's length prefix; the caller appends the
// elements.
func AppendArrayLen(dst []byte, n int, compact bool) ([]byte, error) {
	if n > maxInt32Len {
		return dst, tooLong(n, maxInt32Len)
	}
	return appendLength(dst, n, compact, false), nil
}

// AppendNullArray appends a null array where nullable allows it.
func AppendNullArray(dst []byte, compact, nullable bool, version int16) ([]byte, error) {
	if !nullable {
		return dst, nullNotAllowed(version)
	}
	return appendNull(dst, compact, false), nil
}

// ArrayLenSize is the size of an array's length prefix.
func ArrayLenSize(n int, compact bool) int { return lengthSize(n, compact, false) }

// NullArraySize is the size of a null array.
func NullArraySize(compact bool) int { return nullSize(compact, false) }

// AppendStructMarker appends the presence marker of a nullable struct
// where nullable (an int8, or in a tagged field an unsigned varint); a
// missing struct where it is not nullable is an error.
func AppendStructMarker(dst []byte, present, nullable, tagged bool, version int16) ([]byte, error) {
	if !nullable {
		if !present {
			return dst, nullNotAllowed(version)
		}
		return dst, nil
	}
	switch {
	case tagged && present:
		return append(dst, 1), nil
	case tagged:
		return append(dst, 0), nil
	case present:
		return append(dst, 1), nil
	default:
		return append(dst, 0xff), nil
	}
}

// StructMarkerSize is the size of a nullable struct's presence marker.
func StructMarkerSize(nullable bool) int {
	if nullable {
		return 1
	}
	return 0
}

// Ptr returns a pointer to a copy of v, for defaults of nullable fields.
func Ptr[T any](v T) *T { return &v }
