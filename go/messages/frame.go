package messages

import (
	"encoding/binary"

	"github.com/kafka-wire/kafka-wire/go/internal/wire"
)

// AppendRequest appends a request frame to dst: the int32 size prefix, the
// request header at the version the API and version call for (see
// APIKey.RequestHeaderVersion), and the body at version. clientID may be
// nil (null); request header v0 has none, and a non-nil one is then an
// error.
func AppendRequest(dst []byte, body Request, version int16, correlationID int32, clientID *string) ([]byte, error) {
	key := body.APIKey()
	header := NewRequestHeader()
	header.RequestAPIKey, header.RequestAPIVersion, header.CorrelationID, header.ClientID = int16(key), version, correlationID, clientID
	return appendFrame(dst, &header, key.RequestHeaderVersion(version), body, version)
}

// AppendResponse appends a response frame to dst: the int32 size prefix,
// the response header at the version the API and version call for (see
// APIKey.ResponseHeaderVersion), and the body at version.
func AppendResponse(dst []byte, body Response, version int16, correlationID int32) ([]byte, error) {
	header := NewResponseHeader()
	header.CorrelationID = correlationID
	return appendFrame(dst, &header, body.APIKey().ResponseHeaderVersion(version), body, version)
}

func appendFrame(dst []byte, header Message, headerVersion int16, body Message, version int16) ([]byte, error) {
	start := len(dst)
	out := append(dst, 0, 0, 0, 0)
	out, err := header.AppendTo(out, headerVersion)
	if err != nil {
		return dst, err
	}
	if out, err = body.AppendTo(out, version); err != nil {
		return dst, err
	}
	size := len(out) - start - 4
	if size > 0x7fffffff {
		return dst, &wire.EncodeError{Err: ErrTooLong}
	}
	binary.BigEndian.PutUint32(out[start:], uint32(size))
	return out, nil
}

// DecodeRequest reads a request frame without its size prefix, as a
// broker does: the header's api key and version pick the header version
// and the body's type. Every byte must be used. Strings are copies; bytes
// fields share frame. When the header decodes but the body does not (a
// version this package does not know, a broken body), the header comes
// back with the error, so that a broker can still answer the request's
// correlation id, as Kafka answers an ApiVersions request of a version it
// does not know (KIP-511).
func DecodeRequest(frame []byte) (*RequestHeader, Request, error) {
	if len(frame) < 4 {
		return nil, nil, wire.InMessage(wire.NewReader(frame).Fail(ErrUnexpectedEOF,
			"a request frame of %d bytes has no api key and version", len(frame)), "RequestHeader")
	}
	key := APIKey(binary.BigEndian.Uint16(frame))
	version := int16(binary.BigEndian.Uint16(frame[2:]))
	body := key.NewRequest()
	if body == nil {
		return nil, nil, wire.InMessage(wire.NewReader(frame).Fail(ErrUnknownAPIKey, "unknown api key %d", int16(key)), "RequestHeader")
	}
	var header RequestHeader
	n, err := header.DecodePrefix(frame, key.RequestHeaderVersion(version))
	if err != nil {
		return nil, nil, err
	}
	if err := decodeBody(body, frame, n, version); err != nil {
		return &header, nil, err
	}
	return &header, body, nil
}

// DecodeResponse reads a response frame without its size prefix. Responses
// do not carry their api key or version: give those of the request it
// answers (matched by correlation id). Every byte must be used. When the
// header decodes but the body does not, the header comes back with the
// error, so that a client can tell which request failed.
func DecodeResponse(frame []byte, key APIKey, version int16) (*ResponseHeader, Response, error) {
	body := key.NewResponse()
	if body == nil {
		return nil, nil, wire.InMessage(wire.NewReader(frame).Fail(ErrUnknownAPIKey, "unknown api key %d", int16(key)), "ResponseHeader")
	}
	var header ResponseHeader
	n, err := header.DecodePrefix(frame, key.ResponseHeaderVersion(version))
	if err != nil {
		return nil, nil, err
	}
	if err := decodeBody(body, frame, n, version); err != nil {
		return &header, nil, err
	}
	return &header, body, nil
}

// decodeBody decodes body from frame[n:], with offsets in the whole frame.
func decodeBody(body Message, frame []byte, n int, version int16) error {
	err := body.Decode(frame[n:], version)
	if de, ok := err.(*DecodeError); ok && de.Offset >= 0 {
		de.Offset += n
	}
	return err
}
