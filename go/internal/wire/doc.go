// Package wire holds the primitives of the Kafka wire protocol that the
// generated messages are built on: big-endian integers, varints and
// varlongs, compact and non-compact strings, bytes and arrays, UUIDs,
// tagged-field sections, and a Reader that knows its offset in the input.
//
// Encoding functions append to a caller's slice and return it, as
// strconv.AppendInt does; decoding goes through a Reader whose errors carry
// the byte offset they were found at. Nothing here panics on bad input, and
// no length read from the input makes it allocate more than the input holds.
package wire
