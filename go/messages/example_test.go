package messages_test

import (
	"errors"
	"fmt"

	"github.com/kafka-wire/kafka-wire/go/errcode"
	"github.com/kafka-wire/kafka-wire/go/messages"
)

// Encode a Metadata request at version 12, then decode it back.
func Example() {
	request := messages.NewMetadataRequest()
	topic := messages.NewMetadataRequestTopic()
	name := "orders"
	topic.Name = &name
	request.Topics = []messages.MetadataRequestTopic{topic}

	wire, err := request.AppendTo(nil, 12)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d bytes: %x\n", request.Size(12), wire)

	var decoded messages.MetadataRequest
	if err := decoded.Decode(wire, 12); err != nil {
		panic(err)
	}
	fmt.Println(*decoded.Topics[0].Name, decoded.AllowAutoTopicCreation)
	// Output:
	// 28 bytes: 0200000000000000000000000000000000076f726465727300010000
	// orders true
}

// Decoding errors say which message and field, and at which byte.
func ExampleDecodeError() {
	var response messages.MetadataResponse
	// No brokers, controller 0, then 9 topics in a 12-byte input.
	err := response.Decode([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9}, 1)
	var de *messages.DecodeError
	if errors.As(err, &de) {
		fmt.Println(de.Message, de.Field, de.Offset, errors.Is(err, messages.ErrLengthExceedsInput))
	}
	fmt.Println(err)
	// Output:
	// MetadataResponse Topics 12 true
	// kafka: decoding MetadataResponse field Topics at byte 12: length 9 exceeds the 0 bytes remaining in the input
}

// Encoding refuses what the version cannot carry, as Kafka does.
func ExampleEncodeError() {
	request := messages.NewMetadataRequest()
	request.IncludeTopicAuthorizedOperations = true // only from version 8
	_, err := request.AppendTo(nil, 7)
	fmt.Println(errors.Is(err, messages.ErrNonDefaultValue))
	fmt.Println(err)
	// Output:
	// true
	// kafka: encoding MetadataRequest field IncludeTopicAuthorizedOperations: attempted to write a non-default value at version 7, which does not have this field
}

// An API's metadata, and Kafka's error codes. are errcode.Codes.
func ExampleAPIKey() {
	key := messages.APIKeyMetadata
	fmt.Println(key, key.ValidVersions(), key.RequestFlexibleVersions(), key.RequestHeaderVersion(12))
	code := errcode.Code(3)
	fmt.Println(code.Name(), code.Retriable(), errcode.None.Err())
	// Output:
	// Metadata 0-13 9+ 2
	// UNKNOWN_TOPIC_OR_PARTITION true <nil>
}

// Write a committed offset as __consumer_offsets stores it, and read it
// back; a nil value would be a tombstone.
func ExampleDecodeStoredRecord() {
	key := messages.NewOffsetCommitKey()
	key.Group, key.Topic, key.Partition = "payments", "orders", 3
	value := messages.NewOffsetCommitValue()
	value.Offset = 42
	record := messages.StoredRecord{
		Topic:   messages.TopicConsumerOffsets,
		Type:    1, // OffsetCommit
		Key:     &key,
		Value:   &value,
		Version: 3,
	}
	keyBytes, valueBytes, err := record.Encode()
	if err != nil {
		panic(err)
	}

	read, err := messages.DecodeStoredRecord(messages.TopicConsumerOffsets, keyBytes, valueBytes)
	if err != nil {
		panic(err)
	}
	k := read.Key.(*messages.OffsetCommitKey)
	v := read.Value.(*messages.OffsetCommitValue)
	fmt.Println(read.RecordType().Name(), k.Group, k.Topic, k.Partition, v.Offset, read.Version)
	// Output:
	// OffsetCommit payments orders 3 42 3
}
