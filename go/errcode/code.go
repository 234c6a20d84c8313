package errcode

import "strconv"

// Code is a Kafka error code, as carried in the ErrorCode fields of
// responses. None (0) is success. A code this release's table does not
// know is still a Code: Known reports whether it is in the table.
type Code int16

type info struct {
	name      string
	message   string
	retriable bool
}

// Known reports whether the code is in Kafka's error table.
func (c Code) Known() bool {
	_, ok := codes[c]
	return ok
}

// Name is Kafka's name for the code, e.g. "UNKNOWN_TOPIC_OR_PARTITION",
// or "" for a code the table does not know.
func (c Code) Name() string { return codes[c].name }

// Message is Kafka's description of the error, or "" for a code the table
// does not know.
func (c Code) Message() string { return codes[c].message }

// Retriable reports whether Kafka marks the error retriable.
func (c Code) Retriable() bool { return codes[c].retriable }

// String is the code's name, or "Code(N)" for a code the table does not
// know.
func (c Code) String() string {
	if i, ok := codes[c]; ok {
		return i.name
	}
	return "Code(" + strconv.Itoa(int(c)) + ")"
}

// Error makes a Code an error: its name and message.
func (c Code) Error() string {
	if i, ok := codes[c]; ok {
		return "kafka: " + i.name + ": " + i.message
	}
	return "kafka: unknown error code " + strconv.Itoa(int(c))
}

// Err is nil for None and the code itself for any other, so that a
// response's code can be checked as Go checks errors:
//
//	if err := errcode.Code(resp.ErrorCode).Err(); err != nil { ... }
func (c Code) Err() error {
	if c == None {
		return nil
	}
	return c
}
