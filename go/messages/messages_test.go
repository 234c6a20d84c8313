package messages_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/kafka-wire/kafka-wire/go/messages"
)

// Encoding refuses what Kafka's Java encoders refuse, naming the message
// and the field.
func TestEncodeRefusals(t *testing.T) {
	tests := []struct {
		name    string
		message messages.Message
		version int16
		kind    error
		field   string
	}{
		{"a version the message does not have", ptr(messages.NewMetadataRequest()), 14, messages.ErrUnsupportedVersion, ""},
		{"a negative version", ptr(messages.NewMetadataRequest()), -1, messages.ErrUnsupportedVersion, ""},
		{"null where the version forbids it", func() messages.Message {
			m := messages.NewMetadataRequest()
			m.Topics = nil // nullable from version 1
			return &m
		}(), 0, messages.ErrNullNotAllowed, "Topics"},
		{"a non-default value in a field the version lacks", func() messages.Message {
			m := messages.NewMetadataRequest()
			m.AllowAutoTopicCreation = false // from version 4, default true
			return &m
		}(), 3, messages.ErrNonDefaultValue, "AllowAutoTopicCreation"},
		{"a field dropped after a version", func() messages.Message {
			m := messages.NewMetadataRequest()
			m.IncludeClusterAuthorizedOperations = true // versions 8-10
			return &m
		}(), 11, messages.ErrNonDefaultValue, "IncludeClusterAuthorizedOperations"},
		{"null in a nested field", func() messages.Message {
			m := messages.NewMetadataRequest()
			name := "a"
			m.Topics = []messages.MetadataRequestTopic{{Name: &name}, {Name: nil}} // nullable from 10
			return &m
		}(), 9, messages.ErrNullNotAllowed, "Topics[1].Name"},
		{"unknown tagged fields in a version without tagged fields", func() messages.Message {
			m := messages.NewMetadataRequest()
			m.UnknownTaggedFields = []messages.RawTaggedField{{Tag: 90, Data: []byte{1}}}
			return &m
		}(), 8, messages.ErrTaggedFieldsNotAllowed, "UnknownTaggedFields"},
		{"a string longer than 0x7fff bytes", func() messages.Message {
			m := messages.NewRequestHeader()
			id := strings.Repeat("x", 0x8000)
			m.ClientID = &id
			return &m
		}(), 2, messages.ErrTooLong, "ClientID"},
		{"a string that is not UTF-8", func() messages.Message {
			m := messages.NewMetadataRequest()
			name := "\xff"
			m.Topics = []messages.MetadataRequestTopic{{Name: &name}}
			return &m
		}(), 12, messages.ErrInvalidUTF8, "Topics[0].Name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte{7}
			out, err := tt.message.AppendTo(dst, tt.version)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("error %v, want %v", err, tt.kind)
			}
			var ee *messages.EncodeError
			if !errors.As(err, &ee) || ee.Field != tt.field || ee.Message == "" {
				t.Fatalf("error %#v, want field %q of a named message", err, tt.field)
			}
			if !bytes.Equal(out, dst) {
				t.Fatalf("a failed AppendTo returned %x, not dst", out)
			}
		})
	}
}

// An ignorable field is dropped where the version lacks it, as in Kafka.
func TestIgnorableFieldsAreDropped(t *testing.T) {
	p := messages.NewProduceResponsePartitionProduceResponse()
	p.LogAppendTimeMs = 5 // versions 2+, ignorable
	m := messages.NewProduceResponse()
	m.Responses = []messages.ProduceResponseTopicProduceResponse{{Name: "t", PartitionResponses: []messages.ProduceResponsePartitionProduceResponse{p}}}
	out, err := m.AppendTo(nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	var back messages.ProduceResponse
	if err := back.Decode(out, 1); err != nil {
		t.Fatal(err)
	}
	if got := back.Responses[0].PartitionResponses[0].LogAppendTimeMs; got != -1 {
		t.Fatalf("LogAppendTimeMs read back at v1 is %d, want the default -1", got)
	}
}

// Unknown tagged fields are kept on decode and written back in tag order.
func TestUnknownTaggedFieldsRoundTrip(t *testing.T) {
	m := messages.NewMetadataRequest()
	m.UnknownTaggedFields = []messages.RawTaggedField{{Tag: 7, Data: []byte{1, 2}}, {Tag: 90, Data: []byte{}}}
	out, err := m.AppendTo(nil, 12)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != m.Size(12) {
		t.Fatalf("Size %d, wrote %d", m.Size(12), len(out))
	}
	var back messages.MetadataRequest
	if err := back.Decode(out, 12); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, m) {
		t.Fatalf("decoded %+v, want %+v", back, m)
	}
}

// Decoding errors name the message, the field path and the byte offset.
func TestDecodeErrors(t *testing.T) {
	valid, err := ptr(messages.NewMetadataRequest()).AppendTo(nil, 12)
	if err != nil {
		t.Fatal(err)
	}
	withTopic := func() []byte {
		m := messages.NewMetadataRequest()
		name := "orders"
		m.Topics = []messages.MetadataRequestTopic{{Name: &name}}
		out, err := m.AppendTo(nil, 12)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}()
	tests := []struct {
		name    string
		input   []byte
		version int16
		kind    error
		field   string
		offset  int
	}{
		{"a version the message does not have", valid, 14, messages.ErrUnsupportedVersion, "", 0},
		{"bytes after the message", append(append([]byte{}, valid...), 0), 12, messages.ErrTrailingBytes, "", len(valid)},
		{"a nested string longer than the input", withTopic[:20], 12, messages.ErrLengthExceedsInput, "Topics[0].Name", 18},
		{"an array longer than the input", []byte{0x7f, 0xff, 0xff, 0xff}, 0, messages.ErrLengthExceedsInput, "Topics", 4},
		{"null where the version forbids it", []byte{0xff, 0xff, 0xff, 0xff}, 0, messages.ErrNullNotAllowed, "Topics", 4},
		{"an empty input", nil, 0, messages.ErrUnexpectedEOF, "Topics", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m messages.MetadataRequest
			err := m.Decode(tt.input, tt.version)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("error %v, want %v", err, tt.kind)
			}
			var de *messages.DecodeError
			if !errors.As(err, &de) || de.Message != "MetadataRequest" || de.Field != tt.field || de.Offset != tt.offset {
				t.Fatalf("error %v, want MetadataRequest field %q at byte %d", err, tt.field, tt.offset)
			}
		})
	}
}

// A known tagged field in a version that does not have it is an error, as
// in Kafka.
func TestKnownTagInAVersionWithoutIt(t *testing.T) {
	// FetchResponse v12 has no tag 0 (NodeEndpoints is tagged from 16).
	m := messages.NewFetchResponse()
	body, err := m.AppendTo(nil, 12)
	if err != nil {
		t.Fatal(err)
	}
	body = append(body[:len(body)-1], 1, 0, 1, 1) // one tagged field: tag 0, one byte
	err = m.Decode(body, 12)
	if !errors.Is(err, messages.ErrTagNotValidForVersion) {
		t.Fatalf("error %v, want ErrTagNotValidForVersion", err)
	}
}

func ptr[T any](v T) *T { return &v }

// Kafka's JSON form is read strictly: a missing field, a field the version
// does not have, a value of the wrong type or out of range is an error.
func TestJSONRefusals(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		version int16
		field   string
	}{
		{"a missing field", `{"groupId":"g","memberId":"m"}`, 0, ""},
		{"a field the version lacks", `{"groupId":"g","generationId":1,"memberId":"m","groupInstanceId":null}`, 0, ""},
		{"an integer as a string", `{"groupId":"g","generationId":"1","memberId":"m"}`, 0, "GenerationID"},
		{"an integer out of range", `{"groupId":"g","generationId":2147483648,"memberId":"m"}`, 0, "GenerationID"},
		{"null where the field is not nullable", `{"groupId":null,"generationId":1,"memberId":"m"}`, 0, "GroupID"},
		{"not an object", `[]`, 0, ""},
		{"not JSON", `{`, 0, ""},
		{"a version the message does not have", `{}`, 9, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m messages.HeartbeatRequest
			err := m.DecodeJSON([]byte(tt.json), tt.version)
			var de *messages.DecodeError
			if !errors.As(err, &de) || de.Message != "HeartbeatRequest" || de.Field != tt.field {
				t.Fatalf("error %v, want one in HeartbeatRequest field %q", err, tt.field)
			}
			if tt.version != 9 && !errors.Is(err, messages.ErrJSON) {
				t.Fatalf("error %v is not an ErrJSON", err)
			}
		})
	}
	var m messages.HeartbeatRequest
	if err := m.DecodeJSON([]byte(`{"groupId":"g","generationId":1,"memberId":"m","groupInstanceId":null}`), 3); err != nil {
		t.Fatal(err)
	}
	if m.GroupID != "g" || m.GenerationID != 1 || m.MemberID != "m" || m.GroupInstanceID != nil {
		t.Fatalf("decoded %+v", m)
	}
}

// An array's count is only known to fit the bytes remaining; what decoding
// reserves for its elements before reading them stays near the input's
// size, however large an element is in memory.
func TestArraysDoNotReserveMoreThanTheInputPays(t *testing.T) {
	const count = 1 << 20
	// MetadataResponse v12: throttle time, then the brokers (a compact
	// array), whose first element is cut off by a null host.
	input := []byte{0, 0, 0, 0}
	input = binary.AppendUvarint(input, count+1)
	input = append(input, make([]byte, count)...)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var m messages.MetadataResponse
	err := m.Decode(input, 12)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, messages.ErrNullNotAllowed) {
		t.Fatalf("Decode: %v, want a null host refused", err)
	}
	if reserved := after.TotalAlloc - before.TotalAlloc; reserved > 2*uint64(len(input)) {
		t.Fatalf("decoding a %d-byte input allocated %d bytes", len(input), reserved)
	}
}

func TestUUIDsAreWrittenAndReadAsKafkaPrintsThem(t *testing.T) {
	var nilUUID messages.UUID
	if got := nilUUID.String(); got != "AAAAAAAAAAAAAAAAAAAAAA" {
		t.Fatalf("the nil UUID prints as %q", got)
	}
	id := messages.UUID{0xfb, 0xff, 0x01, 15: 0xfe}
	s := id.String()
	if s != "-_8BAAAAAAAAAAAAAAAA_g" {
		t.Fatalf("%x prints as %q", id[:], s)
	}
	back, err := messages.ParseUUID(s)
	if err != nil || back != id {
		t.Fatalf("ParseUUID(%q) = %x, %v", s, back[:], err)
	}
	for _, bad := range []string{"", "AAAA", "AAAAAAAAAAAAAAAAAAAAAA==", "+/8BAAAAAAAAAAAAAAAA/g", "AAAAAAAAAAAAAAAAAAAAAAAA"} {
		if _, err := messages.ParseUUID(bad); err == nil {
			t.Errorf("ParseUUID(%q) accepted it", bad)
		}
	}
}
