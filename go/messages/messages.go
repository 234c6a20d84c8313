// Package messages holds every request, response, header and data type of
// the Kafka protocol at every version, generated from Kafka's own JSON
// message specs: one struct per message, with the version an argument of
// encoding and decoding.
//
// Encoding appends to a caller's slice (AppendTo) and its exact size is
// known first (Size); decoding (Decode, DecodePrefix) reports a
// *DecodeError naming the message, the field path and the byte offset.
// Encoding refuses what Kafka's Java encoders refuse: a version the
// message does not have, a value other than the default in a field the
// version lacks (unless the field is ignorable), a null where the version
// forbids one, a string longer than 0x7fff bytes or not UTF-8. Tagged fields this
// package does not know are kept in each struct's UnknownTaggedFields and
// written back at their place.
//
// The records of Kafka's internal topics and metadata log are read and
// written as each topic stores them by DecodeStoredRecord and
// StoredRecord.Encode, dispatched by their type id.
//
// Nullable strings and structs are pointers (nil is null); nullable bytes
// and arrays are null when nil, and decode to a non-nil empty slice when
// empty. A struct's zero value is not always its spec's default (a default
// of -1, an empty but non-null array): New<Type> and Default give the
// defaults.
package messages

import (
	"strconv"

	"github.com/kafka-wire/kafka-wire/go/internal/wire"
)

// Message is what every generated message (a request or response body, a
// header, a data type) does.
type Message interface {
	// AppendTo appends the message encoded at version to dst.
	AppendTo(dst []byte, version int16) ([]byte, error)
	// Size is the number of bytes AppendTo appends at version.
	Size(version int16) int
	// Decode sets the message to what src holds at version, every byte of it.
	Decode(src []byte, version int16) error
	// DecodePrefix decodes the message at the start of src and returns the
	// number of bytes it used.
	DecodePrefix(src []byte, version int16) (int, error)
	// AppendJSON appends the message in Kafka's JSON form at version to dst.
	AppendJSON(dst []byte, version int16) ([]byte, error)
	// DecodeJSON sets the message to what data holds in Kafka's JSON form
	// at version.
	DecodeJSON(data []byte, version int16) error
	// Default sets every field to its default.
	Default()
}

// Request is a request body of any API.
type Request interface {
	Message
	// APIKey is the key of the request's API.
	APIKey() APIKey
	isRequest()
}

// Response is a response body of any API.
type Response interface {
	Message
	// APIKey is the key of the API the response answers.
	APIKey() APIKey
	isResponse()
}

// UUID is a Kafka UUID; the zero value is the nil UUID. Its String is
// Kafka's form (URL-safe base64, 22 characters), which ParseUUID reads.
type UUID = wire.UUID

// ParseUUID reads a UUID as Kafka prints it: 22 characters of URL-safe
// base64 without padding ("AAAAAAAAAAAAAAAAAAAAAA" is the nil UUID).
func ParseUUID(s string) (UUID, error) { return wire.ParseUUID(s) }

// RawTaggedField is a tagged field this package does not know, kept as it
// was on the wire and written back on encode.
type RawTaggedField = wire.RawTaggedField

// DecodeError reports input that does not decode: the message, the field
// path (e.g. "Topics[2].Name"), the byte offset, and the kind of failure
// (Err, one of the Err* values for errors.Is).
type DecodeError = wire.DecodeError

// EncodeError reports a value that cannot be written at a version: the
// message, the field path and the kind of failure.
type EncodeError = wire.EncodeError

// The kinds of failure a DecodeError or EncodeError wraps, for errors.Is.
var (
	ErrUnexpectedEOF          = wire.ErrUnexpectedEOF
	ErrVarintTooLong          = wire.ErrVarintTooLong
	ErrNullNotAllowed         = wire.ErrNullNotAllowed
	ErrStringTooLong          = wire.ErrStringTooLong
	ErrLengthExceedsInput     = wire.ErrLengthExceedsInput
	ErrInvalidUTF8            = wire.ErrInvalidUTF8
	ErrUnsupportedVersion     = wire.ErrUnsupportedVersion
	ErrTagNotValidForVersion  = wire.ErrTagNotValidForVersion
	ErrTaggedFieldSize        = wire.ErrTaggedFieldSize
	ErrNegativeTaggedCount    = wire.ErrNegativeTaggedCount
	ErrTrailingBytes          = wire.ErrTrailingBytes
	ErrNonDefaultValue        = wire.ErrNonDefaultValue
	ErrTooLong                = wire.ErrTooLong
	ErrTaggedFieldsNotAllowed = wire.ErrTaggedFieldsNotAllowed
	ErrUnknownAPIKey          = wire.ErrUnknownAPIKey
	ErrUnknownRecordType      = wire.ErrUnknownRecordType
	ErrUnknownFrameVersion    = wire.ErrUnknownFrameVersion
	ErrJSON                   = wire.ErrJSON
)

// VersionRange is an inclusive range of versions; Min > Max is the empty
// range ("none" in the specs).
type VersionRange struct {
	Min, Max int16
}

// Contains reports whether version is in the range.
func (r VersionRange) Contains(version int16) bool { return version >= r.Min && version <= r.Max }

// IsEmpty reports whether the range has no version.
func (r VersionRange) IsEmpty() bool { return r.Min > r.Max }

// String writes the range as the specs do: "none", "3+", "5", "0-12".
func (r VersionRange) String() string {
	switch {
	case r.IsEmpty():
		return "none"
	case r.Max == 0x7fff:
		return strconv.Itoa(int(r.Min)) + "+"
	case r.Min == r.Max:
		return strconv.Itoa(int(r.Min))
	default:
		return strconv.Itoa(int(r.Min)) + "-" + strconv.Itoa(int(r.Max))
	}
}

// APIKey identifies a Kafka API on the wire.
type APIKey int16

type apiInfo struct {
	name             string
	valid            VersionRange
	requestFlexible  VersionRange
	responseFlexible VersionRange
	deprecated       VersionRange
	legacy           VersionRange
	latestUnstable   bool
	listeners        []string
}

var unknownAPI = apiInfo{valid: VersionRange{0, -1}, requestFlexible: VersionRange{0, -1},
	responseFlexible: VersionRange{0, -1}, deprecated: VersionRange{0, -1}, legacy: VersionRange{0, -1}}

func (k APIKey) info() *apiInfo {
	if i, ok := apiMetadata[k]; ok {
		return i
	}
	return &unknownAPI
}

// Known reports whether this package knows the API.
func (k APIKey) Known() bool {
	_, ok := apiMetadata[k]
	return ok
}

// Name is the API's name, e.g. "Metadata", or "" for an unknown key.
func (k APIKey) Name() string { return k.info().name }

// String is the API's name, or "APIKey(N)" for an unknown key.
func (k APIKey) String() string {
	if k.Known() {
		return k.Name()
	}
	return "APIKey(" + strconv.Itoa(int(k)) + ")"
}

// ValidVersions are every version of the API that a release this package
// was generated from defines (request and response alike).
func (k APIKey) ValidVersions() VersionRange { return k.info().valid }

// RequestFlexibleVersions are the flexible versions of the request.
func (k APIKey) RequestFlexibleVersions() VersionRange { return k.info().requestFlexible }

// ResponseFlexibleVersions are the flexible versions of the response.
func (k APIKey) ResponseFlexibleVersions() VersionRange { return k.info().responseFlexible }

// DeprecatedVersions are the versions Kafka marks deprecated.
func (k APIKey) DeprecatedVersions() VersionRange { return k.info().deprecated }

// LegacyVersions are the versions only releases older than the pinned one
// define (those Kafka 4.0 removed, KIP-896, and the APIs it removed).
func (k APIKey) LegacyVersions() VersionRange { return k.info().legacy }

// LatestVersionUnstable reports whether the latest version is still
// unstable (not offered by brokers by default).
func (k APIKey) LatestVersionUnstable() bool { return k.info().latestUnstable }

// Listeners are the listeners that serve the API ("broker", "controller",
// "zkBroker").
func (k APIKey) Listeners() []string { return append([]string(nil), k.info().listeners...) }
