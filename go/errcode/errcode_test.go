package errcode

import (
	"errors"
	"testing"
)

func TestCodes(t *testing.T) {
	tests := []struct {
		code      Code
		name      string
		retriable bool
		known     bool
	}{
		{None, "NONE", false, true},
		{UnknownServerError, "UNKNOWN_SERVER_ERROR", false, true},
		{UnknownTopicOrPartition, "UNKNOWN_TOPIC_OR_PARTITION", true, true},
		{NotLeaderOrFollower, "NOT_LEADER_OR_FOLLOWER", true, true},
		{Code(-2), "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.code.String(), func(t *testing.T) {
			if tt.code.Name() != tt.name || tt.code.Retriable() != tt.retriable || tt.code.Known() != tt.known {
				t.Fatalf("%d: name %q retriable %v known %v", tt.code, tt.code.Name(), tt.code.Retriable(), tt.code.Known())
			}
		})
	}
	if None.Err() != nil {
		t.Fatal("None is an error")
	}
	var code Code
	if err := UnknownTopicOrPartition.Err(); !errors.As(err, &code) || code != 3 {
		t.Fatalf("Err() = %v", err)
	}
	if Code(-2).String() != "Code(-2)" {
		t.Fatalf("String() = %q", Code(-2).String())
	}
	if len(All()) != len(codes) {
		t.Fatalf("All() has %d codes, the table %d", len(All()), len(codes))
	}
}
