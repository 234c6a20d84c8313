package wire

import (
	"errors"
	"math"
)

// RawTaggedField is a tagged field the generated code does not know (a
// newer Kafka's, or a private extension), kept as it was on the wire and
// written back among the known fields by tag.
type RawTaggedField struct {
	// Tag is the field's tag.
	Tag uint32
	// Data is the field's value as it was on the wire.
	Data []byte
}

func (f *RawTaggedField) size() int {
	return UvarintSize(f.Tag) + UvarintSize(uint32(len(f.Data))) + len(f.Data)
}

func appendRaw(dst []byte, f *RawTaggedField) []byte {
	dst = AppendUvarint(dst, f.Tag)
	dst = AppendUvarint(dst, uint32(len(f.Data)))
	return append(dst, f.Data...)
}

func checkRaw(unknown []RawTaggedField) error {
	for i := range unknown {
		// Kafka reads a tagged field's size into an int.
		if len(unknown[i].Data) > maxInt32Len {
			return InIndex(tooLong(len(unknown[i].Data), maxInt32Len), i)
		}
	}
	return nil
}

// AppendUnknownTags appends the tagged-field section of a struct that has
// no known tagged fields at this version, where flexible; elsewhere
// unknown fields cannot be written and are an error.
func AppendUnknownTags(dst []byte, unknown []RawTaggedField, flexible bool, version int16) ([]byte, error) {
	if !flexible {
		if len(unknown) != 0 {
			return dst, &EncodeError{Err: kindf(ErrTaggedFieldsNotAllowed,
				"tagged fields were set, but version %d does not support them", version)}
		}
		return dst, nil
	}
	if err := checkRaw(unknown); err != nil {
		return dst, err
	}
	dst = AppendUvarint(dst, uint32(len(unknown)))
	for i := range unknown {
		dst = appendRaw(dst, &unknown[i])
	}
	return dst, nil
}

// UnknownTagsSize is the size of the section AppendUnknownTags writes.
func UnknownTagsSize(unknown []RawTaggedField, flexible bool) int {
	if !flexible {
		return 0
	}
	var s TagSizer
	return s.Total(unknown)
}

// TagWriter writes a tagged-field section with known fields: the count,
// then the known fields in tag order, each preceded by the unknown fields
// with smaller tags, as Kafka interleaves them.
type TagWriter struct {
	unknown []RawTaggedField
	next    int
}

// StartTags appends the count of a section of known fields known and the
// unknown fields, and returns the writer for its fields.
func StartTags(dst []byte, unknown []RawTaggedField, known int) ([]byte, TagWriter, error) {
	if err := checkRaw(unknown); err != nil {
		return dst, TagWriter{}, err
	}
	return AppendUvarint(dst, uint32(len(unknown)+known)), TagWriter{unknown: unknown}, nil
}

// Header appends the unknown fields below tag, then the header (tag and
// size) of the known field tag; the caller appends its value.
func (w *TagWriter) Header(dst []byte, tag uint32, size int) []byte {
	for w.next < len(w.unknown) && w.unknown[w.next].Tag < tag {
		dst = appendRaw(dst, &w.unknown[w.next])
		w.next++
	}
	dst = AppendUvarint(dst, tag)
	return AppendUvarint(dst, uint32(size))
}

// Finish appends the remaining unknown fields.
func (w *TagWriter) Finish(dst []byte) []byte {
	for ; w.next < len(w.unknown); w.next++ {
		dst = appendRaw(dst, &w.unknown[w.next])
	}
	return dst
}

// TagSizer adds up the size of a tagged-field section.
type TagSizer struct {
	count int
	bytes int
}

// Add counts the known field tag with a value of size bytes.
func (s *TagSizer) Add(tag uint32, size int) {
	s.count++
	s.bytes += UvarintSize(tag) + UvarintSize(uint32(size)) + size
}

// Total is the size of the whole section: the count, the known fields and
// the unknown ones.
func (s *TagSizer) Total(unknown []RawTaggedField) int {
	n := UvarintSize(uint32(s.count+len(unknown))) + s.bytes
	for i := range unknown {
		n += unknown[i].size()
	}
	return n
}

// TagCount reads the number of fields of a tagged-field section. Kafka
// reads it into an int: from 2^31 on it is negative, which Kafka refuses.
func (r *Reader) TagCount() (int, error) {
	n, err := r.Uvarint()
	if err != nil {
		return 0, err
	}
	if n > math.MaxInt32 {
		return 0, r.Fail(ErrNegativeTaggedCount, "a negative number of tagged fields")
	}
	return int(n), nil
}

// TaggedField reads a tagged field's header and returns its tag and a
// Reader over its value; r moves past the value. The field Reader's
// errors give offsets in the whole input.
func (r *Reader) TaggedField() (uint32, Reader, error) {
	tag, err := r.Uvarint()
	if err != nil {
		return 0, Reader{}, err
	}
	size, err := r.Uvarint()
	if err != nil {
		return tag, Reader{}, InField(err, tagName(tag))
	}
	if err := r.fits(uint64(size)); err != nil {
		return tag, Reader{}, InField(err, tagName(tag))
	}
	field := Reader{buf: r.buf, pos: r.pos, end: r.pos + int(size)}
	r.pos += int(size)
	return tag, field, nil
}

func tagName(tag uint32) string {
	return "tag " + uitoa(tag)
}

func uitoa(v uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}

// Rest returns the unread bytes of the Reader (a tagged field's value),
// sharing the input, and moves to its end.
func (r *Reader) Rest() []byte {
	b := r.buf[r.pos:r.end:r.end]
	r.pos = r.end
	return b
}

// EndKnownTag checks that the value of the known tagged field tag, read
// from field with the result err, used exactly its declared size: a value
// that ran past it, or stopped short of it, is a size mismatch.
func EndKnownTag(field *Reader, start int, tag uint32, err error) error {
	declared := field.end - start
	if err != nil {
		var de *DecodeError
		if errors.As(err, &de) && de.limit == field.end &&
			(errors.Is(de.Err, ErrUnexpectedEOF) || errors.Is(de.Err, ErrLengthExceedsInput)) {
			de.Err = kindf(ErrTaggedFieldSize, "tagged field %d declared %d bytes but its value needs more", tag, declared)
		}
		return err
	}
	if field.Remaining() != 0 {
		return field.Fail(ErrTaggedFieldSize, "tagged field %d declared %d bytes but its value used %d",
			tag, declared, field.pos-start)
	}
	return nil
}

// TagNotValid is the error for a known tag in a version that does not
// have the field.
func (r *Reader) TagNotValid(tag uint32, version int16) error {
	return r.Fail(ErrTagNotValidForVersion, "tag %d is not valid for version %d", tag, version)
}
