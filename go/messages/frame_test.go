package messages_test

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/kafka-wire/kafka-wire/go/messages"
)

func TestFrames(t *testing.T) {
	request := messages.NewMetadataRequest()
	client := "me"
	frame, err := messages.AppendRequest([]byte{9}, &request, 12, 7, &client)
	if err != nil {
		t.Fatal(err)
	}
	// A Metadata v12 request frame (after the byte already in dst): size,
	// api key, version, correlation id, client id, no tagged fields, then
	// the body: no topics, auto-creation on, no authorized operations.
	want := "09000000110003000c0000000700026d650001010000"
	if got := hexString(frame); got != want {
		t.Fatalf("frame %s, want %s", got, want)
	}
	header, body, err := messages.DecodeRequest(frame[5:])
	if err != nil {
		t.Fatal(err)
	}
	if header.CorrelationID != 7 || *header.ClientID != "me" || body.APIKey() != messages.APIKeyMetadata {
		t.Fatalf("decoded %+v, %T", header, body)
	}

	// A header that decodes comes back with the body's error (a broker
	// answers its correlation id); one that does not, or an unknown api
	// key, gives none.
	tests := []struct {
		name        string
		frame       []byte
		kind        error
		offset      int
		correlation int32 // -1: no header
	}{
		{"too short for a header", []byte{0, 3}, messages.ErrUnexpectedEOF, 0, -1},
		{"an unknown api key", []byte{0x7f, 0, 0, 0, 0, 0, 0, 0}, messages.ErrUnknownAPIKey, 0, -1},
		{"a version the api does not have", []byte{0, 3, 0, 99, 0, 0, 0, 1, 0, 0, 0}, messages.ErrUnsupportedVersion, 11, 1},
		{"a body cut short", frame[5 : len(frame)-2], messages.ErrUnexpectedEOF, 15, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header, body, err := messages.DecodeRequest(tt.frame)
			var de *messages.DecodeError
			if !errors.Is(err, tt.kind) || !errors.As(err, &de) || de.Offset != tt.offset {
				t.Fatalf("error %v, want %v at byte %d", err, tt.kind, tt.offset)
			}
			if body != nil {
				t.Fatalf("a body %T came back with the error", body)
			}
			switch {
			case header == nil && tt.correlation != -1:
				t.Fatalf("no header, want one with correlation id %d", tt.correlation)
			case header != nil && header.CorrelationID != tt.correlation:
				t.Fatalf("header with correlation id %d, want %d (-1: none)", header.CorrelationID, tt.correlation)
			}
		})
	}
	if _, _, err := messages.DecodeResponse([]byte{0, 0, 0, 1}, messages.APIKey(-3), 0); !errors.Is(err, messages.ErrUnknownAPIKey) {
		t.Fatalf("DecodeResponse of an unknown key: %v", err)
	}
}

func hexString(b []byte) string { return hex.EncodeToString(b) }
