package messages_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/kafka-wire/kafka-wire/go/messages"
)

// FuzzDecode decodes any input as a request or response body of any api
// and version: decoding must fail with a *DecodeError or succeed, never
// panic; what decodes must encode again, to Size bytes, and those bytes
// must read back to a message that writes them again.
//
// An input is: api key (int16), version (int16), a direction byte (even:
// request, odd: response), then the body.
//
//	go test -fuzz FuzzDecode ./messages
func FuzzDecode(f *testing.F) {
	seed := func(key messages.APIKey, version int16, response bool, body []byte) {
		in := binary.BigEndian.AppendUint16(nil, uint16(key))
		in = binary.BigEndian.AppendUint16(in, uint16(version))
		if response {
			in = append(in, 1)
		} else {
			in = append(in, 0)
		}
		f.Add(append(in, body...))
	}
	for _, key := range []messages.APIKey{messages.APIKeyMetadata, messages.APIKeyProduce, messages.APIKeyFetch, messages.APIKeyAPIVersions} {
		for _, response := range []bool{false, true} {
			for _, version := range []int16{0, key.ValidVersions().Max} {
				var m messages.Message = key.NewRequest()
				if response {
					m = key.NewResponse()
				}
				body, err := m.AppendTo(nil, version)
				if err != nil {
					f.Fatal(err)
				}
				seed(key, version, response, body)
			}
		}
	}
	// And the kit's random and unknown-tagged vectors of the same apis.
	for _, name := range []string{"Metadata", "Produce", "Fetch", "ApiVersions"} {
		for _, direction := range []string{"request", "response"} {
			data, err := os.ReadFile(filepath.Join(kit, "messages", name+"."+direction+".jsonl"))
			if err != nil {
				f.Fatal(err)
			}
			for _, line := range bytes.Split(data, []byte("\n")) {
				var v vector
				if len(line) == 0 {
					continue
				}
				if err := json.Unmarshal(line, &v); err != nil {
					f.Fatal(err)
				}
				if v.Case != "random-1" && v.Case != "unknown-tagged-1" {
					continue
				}
				body, err := hex.DecodeString(v.Hex)
				if err != nil {
					f.Fatal(err)
				}
				seed(messages.APIKey(*v.APIKey), v.Version, direction == "response", body)
			}
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 5 {
			return
		}
		key := messages.APIKey(binary.BigEndian.Uint16(in))
		version := int16(binary.BigEndian.Uint16(in[2:]))
		response := in[4]%2 == 1
		m := newBody(key, response)
		if m == nil {
			return
		}
		if err := m.Decode(in[5:], version); err != nil {
			var de *messages.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DecodeError", err)
			}
			return
		}
		out, err := m.AppendTo(nil, version)
		if err != nil {
			t.Fatalf("decoded, but does not encode again: %v", err)
		}
		if len(out) != m.Size(version) {
			t.Fatalf("Size %d, AppendTo wrote %d bytes", m.Size(version), len(out))
		}
		// What this package writes is canonical: it reads back to a
		// message that writes the very same bytes (the input itself may
		// have been non-canonical: an over-long varint, a negative length
		// read as null).
		again := newBody(key, response)
		if err := again.Decode(out, version); err != nil {
			t.Fatalf("its own encoding %x does not decode: %v", out, err)
		}
		if out2, err := again.AppendTo(nil, version); err != nil || !bytes.Equal(out2, out) {
			t.Fatalf("its own encoding %x reads back to a message that writes %x (%v)", out, out2, err)
		}
	})
}

// newBody is a new request or response body of the api key, or nil for a
// key this package does not know.
func newBody(key messages.APIKey, response bool) messages.Message {
	if response {
		if r := key.NewResponse(); r != nil {
			return r
		}
		return nil
	}
	if r := key.NewRequest(); r != nil {
		return r
	}
	return nil
}
