package messages_test

import (
	"testing"

	"github.com/kafka-wire/kafka-wire/go/messages"
)

func TestAPIKeys(t *testing.T) {
	for _, key := range messages.APIKeys() {
		if !key.Known() || key.Name() == "" || key.ValidVersions().IsEmpty() {
			t.Errorf("%d: known %v name %q versions %v", int16(key), key.Known(), key.Name(), key.ValidVersions())
		}
		req, resp := key.NewRequest(), key.NewResponse()
		if req == nil || resp == nil || req.APIKey() != key || resp.APIKey() != key {
			t.Errorf("%v: the bodies are %T and %T", key, req, resp)
		}
	}
	if k := messages.APIKey(-5); k.Known() || k.NewRequest() != nil || k.String() != "APIKey(-5)" {
		t.Errorf("an unknown key: %v", k)
	}
}

// Facts of Kafka 4.4.0 and 3.9.1's specs.
func TestAPIMetadata(t *testing.T) {
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"Produce's legacy versions", messages.APIKeyProduce.LegacyVersions().String(), "0-2"},
		{"Fetch's versions", messages.APIKeyFetch.ValidVersions().String(), "0-18"},
		{"Metadata's flexible requests", messages.APIKeyMetadata.RequestFlexibleVersions().String(), "9+"},
		{"LeaderAndIsr is legacy whole", messages.APIKeyLeaderAndIsr.LegacyVersions() == messages.APIKeyLeaderAndIsr.ValidVersions(), true},
		{"Metadata v12's request header", messages.APIKeyMetadata.RequestHeaderVersion(12), int16(2)},
		{"Metadata v8's request header", messages.APIKeyMetadata.RequestHeaderVersion(8), int16(1)},
		{"ControlledShutdown v0's request header", messages.APIKeyControlledShutdown.RequestHeaderVersion(0), int16(0)},
		{"Metadata v12's response header", messages.APIKeyMetadata.ResponseHeaderVersion(12), int16(1)},
		{"ApiVersions v4's response header", messages.APIKeyAPIVersions.ResponseHeaderVersion(4), int16(0)},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}
