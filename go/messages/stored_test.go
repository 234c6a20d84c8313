package messages_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/kafka-wire/kafka-wire/go/messages"
)

// storedVector is one line of the kit's stored/<topic>.jsonl.
type storedVector struct {
	Topic        string  `json:"topic"`
	RecordType   int16   `json:"record_type"`
	Record       string  `json:"record"`
	KeyClass     *string `json:"key_class"`
	ValueClass   string  `json:"value_class"`
	ValueVersion int16   `json:"value_version"`
	Case         string  `json:"case"`
	JSON         struct {
		Key   json.RawMessage `json:"key"`
		Value json.RawMessage `json:"value"`
	} `json:"json"`
	KeyHex   *string `json:"key_hex"`
	ValueHex *string `json:"value_hex"`
}

// hexOrNil decodes a vector's hex, nil (a null key or value) for null.
func hexOrNil(s *string) ([]byte, error) {
	if s == nil {
		return nil, nil
	}
	b, err := hex.DecodeString(*s)
	if b == nil && err == nil {
		b = []byte{}
	}
	return b, err
}

// isNull reports whether a vector's JSON part is null (or absent).
func isNull(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }

// TestStoredKit runs every vector of the kit's stored/ files as its README
// says: the key and value, read by their topic's framing, are of the
// vector's record type and value version, each decodes (every byte used)
// to its JSON and encodes back to its bytes, and each JSON encodes to its
// bytes.
func TestStoredKit(t *testing.T) {
	files := kitFiles(t, "stored")
	lines, checked := 0, 0
	for _, file := range files {
		lines += len(file.Lines)
		t.Run(file.Name, func(t *testing.T) {
			for i, text := range file.Lines {
				line := i + 1
				var v storedVector
				if err := json.Unmarshal(text, &v); err != nil {
					t.Fatalf("line %d: %v", line, err)
				}
				if filepath.Base(file.Name) != v.Topic+".jsonl" {
					t.Errorf("line %d: topic %s in %s", line, v.Topic, file.Name)
					continue
				}
				if err := checkStored(v); err != nil {
					t.Errorf("line %d (%s v%d %s): %v", line, v.Record, v.ValueVersion, v.Case, err)
					continue
				}
				checked++
			}
		})
	}
	t.Logf("%d stored vectors of %d files checked", checked, len(files))
	if checked != lines {
		t.Errorf("checked %d stored vectors, but the kit's files have %d lines", checked, lines)
	}
}

func checkStored(v storedVector) error {
	key, err := hexOrNil(v.KeyHex)
	if err != nil {
		return err
	}
	value, err := hexOrNil(v.ValueHex)
	if err != nil {
		return err
	}
	topic := messages.InternalTopic(v.Topic)
	rt := messages.RecordType{Topic: topic, ID: v.RecordType}
	wantKey := ""
	if v.KeyClass != nil {
		wantKey = *v.KeyClass
	}
	if rt.Name() != v.Record || rt.KeyName() != wantKey || rt.ValueName() != v.ValueClass {
		return errorf("record type %d is %q (%q, %q) here", v.RecordType, rt.Name(), rt.KeyName(), rt.ValueName())
	}
	if !rt.ValueVersions().Contains(v.ValueVersion) {
		return errorf("value version %d is not in %s", v.ValueVersion, rt.ValueVersions())
	}
	if topic.HasKeys() != (v.KeyClass != nil) {
		return errorf("HasKeys is %v", topic.HasKeys())
	}

	// Decode, compare, re-encode.
	rec, err := messages.DecodeStoredRecord(topic, key, value)
	if err != nil {
		return err
	}
	if rec.Type != v.RecordType || rec.RecordType() != rt {
		return errorf("read record type %d", rec.Type)
	}
	if (rec.Key == nil) != isNull(v.JSON.Key) || (rec.Value == nil) != isNull(v.JSON.Value) {
		return errorf("read key %v and value %v, the vector's JSON is %s and %s", rec.Key, rec.Value, v.JSON.Key, v.JSON.Value)
	}
	if rec.Key != nil {
		if err := sameJSON(rec.Key, 0, v.JSON.Key); err != nil {
			return errorf("key: %v", err)
		}
	}
	if rec.Value != nil {
		if rec.Version != v.ValueVersion {
			return errorf("read value version %d", rec.Version)
		}
		if err := sameJSON(rec.Value, rec.Version, v.JSON.Value); err != nil {
			return errorf("value: %v", err)
		}
	}
	if err := sameStored(rec, key, value); err != nil {
		return errorf("re-encoded: %v", err)
	}

	// From the JSON.
	fromJSON := &messages.StoredRecord{Topic: topic, Type: v.RecordType, Version: v.ValueVersion}
	if !isNull(v.JSON.Key) {
		fromJSON.Key = rt.NewKey()
		if err := fromJSON.Key.DecodeJSON(v.JSON.Key, 0); err != nil {
			return errorf("key from JSON: %v", err)
		}
	}
	if !isNull(v.JSON.Value) {
		fromJSON.Value = rt.NewValue()
		if err := fromJSON.Value.DecodeJSON(v.JSON.Value, v.ValueVersion); err != nil {
			return errorf("value from JSON: %v", err)
		}
	}
	if err := sameStored(fromJSON, key, value); err != nil {
		return errorf("from JSON: %v", err)
	}
	return nil
}

// sameStored encodes rec and compares with the key and value (nil for null).
func sameStored(rec *messages.StoredRecord, key, value []byte) error {
	k, val, err := rec.Encode()
	if err != nil {
		return err
	}
	if (k == nil) != (key == nil) || !bytes.Equal(k, key) {
		return errorf("key %x (null %v), want %x (null %v)", k, k == nil, key, key == nil)
	}
	if (val == nil) != (value == nil) || !bytes.Equal(val, value) {
		return errorf("value %x (null %v), want %x (null %v)", val, val == nil, value, value == nil)
	}
	return nil
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestDecodeStoredRecordErrors checks that what the framing refuses fails
// with the right kind, field and offset.
func TestDecodeStoredRecordErrors(t *testing.T) {
	offsetKey := mustHex("0001000230" + "2d000430397a61e7db9339") // OffsetCommitKey, from the kit
	tests := []struct {
		name       string
		topic      messages.InternalTopic
		key, value []byte
		kind       error
		message    string
		field      string
		offset     int
	}{
		{"unknown topic", "orders", offsetKey, nil, messages.ErrUnknownRecordType, "", "", 0},
		{"null key", messages.TopicConsumerOffsets, nil, []byte{0, 0}, messages.ErrNullNotAllowed, "", "Key", 0},
		{"key without its type", messages.TopicConsumerOffsets, []byte{0}, nil, messages.ErrUnexpectedEOF, "", "Key", 0},
		{"unknown key type", messages.TopicConsumerOffsets, []byte{0, 9, 0, 0}, nil, messages.ErrUnknownRecordType, "", "Key", 0},
		{"negative key type", messages.TopicTransactionState, []byte{0xff, 0xff}, nil, messages.ErrUnknownRecordType, "", "Key", 0},
		{"truncated key", messages.TopicConsumerOffsets, offsetKey[:5], nil, messages.ErrLengthExceedsInput, "OffsetCommitKey", "Group", 4},
		{"key with trailing bytes", messages.TopicConsumerOffsets, append(append([]byte{}, offsetKey...), 7), nil, messages.ErrTrailingBytes, "OffsetCommitKey", "", len(offsetKey)},
		{"value without its version", messages.TopicConsumerOffsets, offsetKey, []byte{0}, messages.ErrUnexpectedEOF, "", "Value", 0},
		{"value version past the type's", messages.TopicConsumerOffsets, offsetKey, []byte{0, 5}, messages.ErrUnsupportedVersion, "OffsetCommitValue", "", 2},
		{"metadata without a value", messages.TopicClusterMetadata, nil, nil, messages.ErrNullNotAllowed, "", "Value", 0},
		{"frame version 0", messages.TopicClusterMetadata, nil, []byte{0, 20, 0, 0}, messages.ErrUnknownFrameVersion, "", "Value", 0},
		{"frame version 2", messages.TopicClusterMetadata, nil, []byte{2, 20, 0, 0}, messages.ErrUnknownFrameVersion, "", "Value", 0},
		{"unknown metadata type", messages.TopicClusterMetadata, nil, []byte{1, 6, 0, 0}, messages.ErrUnknownRecordType, "", "Value", 1},
		{"type id above 32767", messages.TopicClusterMetadata, nil, []byte{1, 0x94, 0x80, 0x02, 0, 0}, messages.ErrUnknownRecordType, "", "Value", 1},
		{"version above 32767", messages.TopicClusterMetadata, nil, []byte{1, 20, 0x80, 0x80, 0x02, 0}, messages.ErrUnsupportedVersion, "", "Value", 2},
		{"over-long varint", messages.TopicClusterMetadata, nil, []byte{1, 0xff, 0xff, 0xff, 0xff, 0xff}, messages.ErrVarintTooLong, "", "Value", 1},
		{"truncated frame", messages.TopicRemoteLogMetadata, nil, []byte{1, 0}, messages.ErrUnexpectedEOF, "", "Value", 2},
		{"record version it lacks", messages.TopicClusterMetadata, nil, []byte{1, 20, 1, 0}, messages.ErrUnsupportedVersion, "NoOpRecord", "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := messages.DecodeStoredRecord(tt.topic, tt.key, tt.value)
			if err == nil {
				t.Fatalf("decoded %+v", rec)
			}
			var de *messages.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("%T %v is not a *DecodeError", err, err)
			}
			if !errors.Is(err, tt.kind) || de.Message != tt.message || de.Field != tt.field || de.Offset != tt.offset {
				t.Errorf("got %v (message %q, field %q, offset %d), want kind %v, message %q, field %q, offset %d",
					err, de.Message, de.Field, de.Offset, tt.kind, tt.message, tt.field, tt.offset)
			}
		})
	}
}

// TestStoredRecordEncodeErrors checks that Encode refuses a record its
// topic cannot store.
func TestStoredRecordEncodeErrors(t *testing.T) {
	offsetKey := messages.NewOffsetCommitKey()
	offsetValue := messages.NewOffsetCommitValue()
	noOp := messages.NewNoOpRecord()
	tests := []struct {
		name string
		rec  messages.StoredRecord
		kind error
	}{
		{"unknown topic", messages.StoredRecord{Topic: "orders", Key: &offsetKey}, messages.ErrUnknownRecordType},
		{"unknown type", messages.StoredRecord{Topic: messages.TopicConsumerOffsets, Type: 9, Key: &offsetKey}, messages.ErrUnknownRecordType},
		{"null key", messages.StoredRecord{Topic: messages.TopicConsumerOffsets, Type: 1, Value: &offsetValue}, messages.ErrNullNotAllowed},
		{"key of another type", messages.StoredRecord{Topic: messages.TopicConsumerOffsets, Type: 0, Key: &offsetKey}, messages.ErrUnknownRecordType},
		{"value of another type", messages.StoredRecord{Topic: messages.TopicConsumerOffsets, Type: 1, Key: &offsetKey, Value: &noOp}, messages.ErrUnknownRecordType},
		{"value version past the type's", messages.StoredRecord{Topic: messages.TopicConsumerOffsets, Type: 1, Key: &offsetKey, Value: &offsetValue, Version: 5}, messages.ErrUnsupportedVersion},
		{"metadata with a key", messages.StoredRecord{Topic: messages.TopicClusterMetadata, Type: 20, Key: &offsetKey, Value: &noOp}, messages.ErrNonDefaultValue},
		{"metadata tombstone", messages.StoredRecord{Topic: messages.TopicClusterMetadata, Type: 20}, messages.ErrNullNotAllowed},
		{"negative metadata version", messages.StoredRecord{Topic: messages.TopicClusterMetadata, Type: 20, Value: &noOp, Version: -1}, messages.ErrUnsupportedVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, v, err := tt.rec.Encode()
			var ee *messages.EncodeError
			if !errors.As(err, &ee) || !errors.Is(err, tt.kind) {
				t.Fatalf("got %x, %x, %v; want a *EncodeError of kind %v", k, v, err, tt.kind)
			}
		})
	}
}

// TestDecodeStoredRecordTruncations reads every prefix of every stored
// vector's key and value: each must fail with a *DecodeError, not panic.
func TestDecodeStoredRecordTruncations(t *testing.T) {
	tried := 0
	for _, file := range kitFiles(t, "stored") {
		for _, line := range file.Lines {
			var v storedVector
			if err := json.Unmarshal(line, &v); err != nil {
				t.Fatal(err)
			}
			key, _ := hexOrNil(v.KeyHex)
			value, _ := hexOrNil(v.ValueHex)
			topic := messages.InternalTopic(v.Topic)
			check := func(k, val []byte) {
				tried++
				var de *messages.DecodeError
				if _, err := messages.DecodeStoredRecord(topic, k, val); !errors.As(err, &de) {
					t.Errorf("%s %s: a truncation decoded (%v)", v.Topic, v.Record, err)
				}
			}
			for n := 0; key != nil && n < len(key); n++ {
				check(key[:n:n], value)
			}
			for n := 0; value != nil && n < len(value); n++ {
				check(key, value[:n:n])
			}
		}
	}
	if tried == 0 {
		t.Fatal("no truncation tried")
	}
}

// FuzzDecodeStoredRecord reads any key and value as a record of any
// internal topic: decoding must fail with a *DecodeError or succeed, never
// panic; what decodes must encode, and what it encodes to must read back
// to a record that encodes to the same bytes.
//
//	go test -fuzz FuzzDecodeStoredRecord ./messages
func FuzzDecodeStoredRecord(f *testing.F) {
	topics := messages.InternalTopics()
	for _, file := range kitFiles(f, "stored") {
		for _, line := range file.Lines {
			var v storedVector
			if err := json.Unmarshal(line, &v); err != nil {
				f.Fatal(err)
			}
			key, _ := hexOrNil(v.KeyHex)
			value, _ := hexOrNil(v.ValueHex)
			for i, topic := range topics {
				if string(topic) == v.Topic {
					f.Add(uint8(i), key != nil, key, value != nil, value)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, topicIndex uint8, hasKey bool, key []byte, hasValue bool, value []byte) {
		topic := topics[int(topicIndex)%len(topics)]
		if !hasKey {
			key = nil
		} else if key == nil {
			key = []byte{}
		}
		if !hasValue {
			value = nil
		} else if value == nil {
			value = []byte{}
		}
		rec, err := messages.DecodeStoredRecord(topic, key, value)
		if err != nil {
			var de *messages.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("%T %v is not a *DecodeError", err, err)
			}
			return
		}
		k, v, err := rec.Encode()
		if err != nil {
			t.Fatalf("decoded, but does not encode: %v", err)
		}
		again, err := messages.DecodeStoredRecord(topic, k, v)
		if err != nil {
			t.Fatalf("what it wrote does not read back: %v", err)
		}
		if err := sameStored(again, k, v); err != nil {
			t.Fatal(err)
		}
	})
}
