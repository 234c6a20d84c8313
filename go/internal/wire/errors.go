package wire

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The kinds of decoding failure, for errors.Is.
var (
	ErrUnexpectedEOF          = errors.New("unexpected end of input")
	ErrVarintTooLong          = errors.New("varint is too long")
	ErrNullNotAllowed         = errors.New("null is not allowed")
	ErrStringTooLong          = errors.New("string is too long")
	ErrLengthExceedsInput     = errors.New("length exceeds the input")
	ErrInvalidUTF8            = errors.New("string is not valid UTF-8")
	ErrUnsupportedVersion     = errors.New("unsupported version")
	ErrTagNotValidForVersion  = errors.New("tag is not valid for this version")
	ErrTaggedFieldSize        = errors.New("tagged field size does not match its value")
	ErrNegativeTaggedCount    = errors.New("a negative number of tagged fields")
	ErrTrailingBytes          = errors.New("bytes left over after the message")
	ErrNonDefaultValue        = errors.New("non-default value in a field the version does not have")
	ErrTooLong                = errors.New("value is longer than its length prefix allows")
	ErrTaggedFieldsNotAllowed = errors.New("tagged fields in a version that has none")
	ErrUnknownAPIKey          = errors.New("unknown api key")
	ErrUnknownRecordType      = errors.New("unknown record type")
	ErrUnknownFrameVersion    = errors.New("unknown frame version")
)

// kindError is a failure kind with the details of one occurrence.
type kindError struct {
	kind error
	text string
}

func (e *kindError) Error() string { return e.text }
func (e *kindError) Unwrap() error { return e.kind }

func kindf(kind error, format string, args ...any) error {
	return &kindError{kind: kind, text: fmt.Sprintf(format, args...)}
}

// DecodeError reports input that does not decode: in which message and
// field, at which byte offset of the input, and why (Err, which
// errors.Is matches against the Err* kinds of this package).
type DecodeError struct {
	// Message is the spec name of the message being decoded, e.g.
	// "MetadataRequest".
	Message string
	// Field is the path of the field inside the message, e.g.
	// "Topics[2].Name"; empty for the message itself.
	Field string
	// Offset is the byte offset in the input where decoding failed; -1
	// for JSON input.
	Offset int
	// Err says what went wrong.
	Err error

	// limit is the end of the input the failing read was confined to
	// (a tagged field's value), to tell a value that overruns its tagged
	// field from one that overruns the whole input.
	limit int
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("kafka: decoding ")
	if e.Message != "" {
		b.WriteString(e.Message)
	} else {
		b.WriteString("input")
	}
	if e.Field != "" {
		b.WriteString(" field ")
		b.WriteString(e.Field)
	}
	if e.Offset >= 0 {
		b.WriteString(" at byte ")
		b.WriteString(strconv.Itoa(e.Offset))
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the failure's kind.
func (e *DecodeError) Unwrap() error { return e.Err }

// EncodeError reports a value that cannot be written at a version, as
// Kafka's own encoders refuse it: in which message and field, and why.
type EncodeError struct {
	// Message is the spec name of the message being encoded.
	Message string
	// Field is the path of the field inside the message, e.g.
	// "Topics[2].Name"; empty for the message itself.
	Field string
	// Err says what went wrong.
	Err error
}

func (e *EncodeError) Error() string {
	var b strings.Builder
	b.WriteString("kafka: encoding ")
	if e.Message != "" {
		b.WriteString(e.Message)
	} else {
		b.WriteString("value")
	}
	if e.Field != "" {
		b.WriteString(" field ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the failure's kind.
func (e *EncodeError) Unwrap() error { return e.Err }

func prependField(path, name string) string {
	switch {
	case path == "":
		return name
	case path[0] == '[':
		return name + path
	default:
		return name + "." + path
	}
}

func prependIndex(path string, i int) string {
	index := "[" + strconv.Itoa(i) + "]"
	switch {
	case path == "", path[0] == '[':
		return index + path
	default:
		return index + "." + path
	}
}

// InField adds the field name to the path of a DecodeError or EncodeError
// (errors are built from the innermost field out).
func InField(err error, name string) error {
	switch e := err.(type) {
	case *DecodeError:
		e.Field = prependField(e.Field, name)
	case *EncodeError:
		e.Field = prependField(e.Field, name)
	}
	return err
}

// InIndex adds an array index to the path of a DecodeError or EncodeError.
func InIndex(err error, i int) error {
	switch e := err.(type) {
	case *DecodeError:
		e.Field = prependIndex(e.Field, i)
	case *EncodeError:
		e.Field = prependIndex(e.Field, i)
	}
	return err
}

// InMessage names the message of a DecodeError or EncodeError.
func InMessage(err error, message string) error {
	switch e := err.(type) {
	case *DecodeError:
		e.Message = message
	case *EncodeError:
		e.Message = message
	}
	return err
}

// UnsupportedVersion is the encoding error for a version outside a
// message's valid versions.
func UnsupportedVersion(message string, version, min, max int16) error {
	return &EncodeError{Message: message, Err: versionError(version, min, max)}
}

func versionError(version, min, max int16) error {
	if min > max {
		return kindf(ErrUnsupportedVersion, "unsupported version %d: the message has no versions", version)
	}
	return kindf(ErrUnsupportedVersion, "unsupported version %d: valid versions are %d-%d", version, min, max)
}

// EncodeFail returns an EncodeError of the given kind for message.
func EncodeFail(message string, kind error, format string, args ...any) error {
	return &EncodeError{Message: message, Err: kindf(kind, format, args...)}
}

// NonDefaultValue is the encoding error for a field that holds a value
// other than its default at a version that does not have the field.
func NonDefaultValue(version int16) error {
	return &EncodeError{Err: kindf(ErrNonDefaultValue,
		"attempted to write a non-default value at version %d, which does not have this field", version)}
}

func nullNotAllowed(version int16) error {
	return &EncodeError{Err: kindf(ErrNullNotAllowed, "null is not allowed at version %d", version)}
}

func tooLong(length, max int) error {
	return &EncodeError{Err: kindf(ErrTooLong, "length %d exceeds the maximum of %d", length, max)}
}
