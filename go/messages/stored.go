package messages

import (
	"math"

	"github.com/kafka-wire/kafka-wire/go/internal/wire"
)

// InternalTopic is a topic in which Kafka keeps its own state (or the
// KRaft metadata log), by name; its records are read with the schemas of
// the server module that writes them. The constants (TopicConsumerOffsets
// and the others) are every one this package reads.
//
// A coordinator's topic (__consumer_offsets, __transaction_state,
// __share_group_state) stores a record's key as the int16 type id, then
// the key at version 0, and its value as the int16 version, then the
// value at that version; a null value is a tombstone. The metadata log
// (__cluster_metadata) and __remote_log_metadata store no key, and a
// record's value as frame version 1, the type id and the version as
// unsigned varints, then the record.
type InternalTopic string

// metadataFrameVersion is the only frame version Kafka writes (0 was
// KRaft's 2.8 preview, which Kafka no longer reads).
const metadataFrameVersion = 1

type storedTopic struct {
	framed bool
	types  []storedType
}

type storedType struct {
	id       int16
	name     string
	key      string // "" for a framed topic
	value    string
	versions VersionRange
	newKey   func() Message
	isKey    func(Message) bool
	newValue func() Message
	isValue  func(Message) bool
}

func (t InternalTopic) info() *storedTopic { return storedTopics[t] }

func (t InternalTopic) find(id int16) *storedType {
	if info := t.info(); info != nil {
		for i := range info.types {
			if info.types[i].id == id {
				return &info.types[i]
			}
		}
	}
	return nil
}

// Known reports whether this package reads the topic's records.
func (t InternalTopic) Known() bool { return t.info() != nil }

// HasKeys reports whether the topic's records have keys (a coordinator's
// topic), rather than being framed in their value (the metadata logs).
func (t InternalTopic) HasKeys() bool {
	info := t.info()
	return info != nil && !info.framed
}

// RecordTypes returns the record types the topic stores, by id.
func (t InternalTopic) RecordTypes() []RecordType {
	info := t.info()
	if info == nil {
		return nil
	}
	out := make([]RecordType, len(info.types))
	for i := range info.types {
		out[i] = RecordType{Topic: t, ID: info.types[i].id}
	}
	return out
}

// RecordType is one type of record an internal topic stores, by its id on
// the wire.
type RecordType struct {
	// Topic is the topic that stores records of the type.
	Topic InternalTopic
	// ID is the type id on the wire.
	ID int16
}

// Known reports whether the topic has a record type of this id.
func (r RecordType) Known() bool { return r.Topic.find(r.ID) != nil }

// Name is Kafka's name of the type, e.g. "OffsetCommit" or "Topic", or
// "" for an unknown type.
func (r RecordType) Name() string {
	if t := r.Topic.find(r.ID); t != nil {
		return t.name
	}
	return ""
}

// KeyName is the spec name of the type's key, e.g. "OffsetCommitKey", or
// "" for a record of the metadata logs, which has no key.
func (r RecordType) KeyName() string {
	if t := r.Topic.find(r.ID); t != nil {
		return t.key
	}
	return ""
}

// ValueName is the spec name of the type's value (a coordinator's, e.g.
// "OffsetCommitValue") or record (the metadata logs', e.g. "TopicRecord").
func (r RecordType) ValueName() string {
	if t := r.Topic.find(r.ID); t != nil {
		return t.value
	}
	return ""
}

// ValueVersions are the versions of the type's value or record.
func (r RecordType) ValueVersions() VersionRange {
	if t := r.Topic.find(r.ID); t != nil {
		return t.versions
	}
	return VersionRange{0, -1}
}

// NewKey returns a key of the type at its defaults, or nil for a type
// without keys or an unknown one.
func (r RecordType) NewKey() Message {
	if t := r.Topic.find(r.ID); t != nil && t.newKey != nil {
		return t.newKey()
	}
	return nil
}

// NewValue returns a value (or record) of the type at its defaults, or
// nil for an unknown type.
func (r RecordType) NewValue() Message {
	if t := r.Topic.find(r.ID); t != nil {
		return t.newValue()
	}
	return nil
}

// StoredRecord is a record of an internal topic, decoded: Key and Value
// are pointers to the generated structs of its type (*OffsetCommitKey and
// *OffsetCommitValue, *TopicRecord).
type StoredRecord struct {
	// Topic is the topic the record is of.
	Topic InternalTopic
	// Type is the record's type id.
	Type int16
	// Key is the record's key; nil for a record of the metadata logs.
	Key Message
	// Value is the record's value (or record, in the metadata logs); nil
	// for a tombstone: what the key names was deleted.
	Value Message
	// Version is the value's version; 0 for a tombstone.
	Version int16
}

// RecordType is the record's type.
func (s *StoredRecord) RecordType() RecordType { return RecordType{Topic: s.Topic, ID: s.Type} }

// DecodeStoredRecord reads a record of topic from its key and value as the
// topic stores them; nil is a null key or value (a null value of a
// coordinator's topic is a tombstone). Each must be used to its last byte;
// the key of a record of the metadata logs is not read (they have none). A
// null key of a coordinator's topic or a null value of the metadata logs
// is ErrNullNotAllowed, a type id the topic does not have (or a topic this
// package does not read) ErrUnknownRecordType, and a metadata frame
// version other than 1 ErrUnknownFrameVersion.
// A *DecodeError's offset is in the key or value it names; framing
// errors name the StoredRecord field ("Key", "Value") as the field. Bytes
// fields share key and value.
func DecodeStoredRecord(topic InternalTopic, key, value []byte) (*StoredRecord, error) {
	info := topic.info()
	if info == nil {
		return nil, failAt(0, ErrUnknownRecordType, "%q is not an internal topic this package reads", string(topic))
	}
	if info.framed {
		return decodeFramed(topic, value)
	}
	if key == nil {
		return nil, framingError(failAt(0, ErrNullNotAllowed, "a record of %s needs a key", string(topic)), "Key")
	}
	r := wire.NewReader(key)
	id, err := r.Int16()
	if err != nil {
		return nil, framingError(err, "Key")
	}
	t := topic.find(id)
	if t == nil {
		return nil, framingError(failAt(0, ErrUnknownRecordType, "%s has no record type %d", string(topic), id), "Key")
	}
	rec := &StoredRecord{Topic: topic, Type: id, Key: t.newKey()}
	if err := decodeBody(rec.Key, key, 2, 0); err != nil {
		return nil, err
	}
	if value == nil {
		return rec, nil
	}
	r = wire.NewReader(value)
	if rec.Version, err = r.Int16(); err != nil {
		return nil, framingError(err, "Value")
	}
	rec.Value = t.newValue()
	if err := decodeBody(rec.Value, value, 2, rec.Version); err != nil {
		return nil, err
	}
	return rec, nil
}

func decodeFramed(topic InternalTopic, value []byte) (*StoredRecord, error) {
	if value == nil {
		return nil, framingError(failAt(0, ErrNullNotAllowed, "a record of %s needs a value", string(topic)), "Value")
	}
	r := wire.NewReader(value)
	frame, err := r.Uvarint()
	if err != nil {
		return nil, framingError(err, "Value")
	}
	if frame != metadataFrameVersion {
		return nil, framingError(failAt(0, ErrUnknownFrameVersion, "frame version %d: Kafka writes and reads 1", frame), "Value")
	}
	at := r.Offset()
	id, err := r.Uvarint()
	if err != nil {
		return nil, framingError(err, "Value")
	}
	var t *storedType
	if id <= math.MaxInt16 {
		t = topic.find(int16(id))
	}
	if t == nil {
		return nil, framingError(failAt(at, ErrUnknownRecordType, "%s has no record type %d", string(topic), id), "Value")
	}
	at = r.Offset()
	version, err := r.Uvarint()
	if err != nil {
		return nil, framingError(err, "Value")
	}
	if version > math.MaxInt16 {
		return nil, framingError(failAt(at, ErrUnsupportedVersion, "record version %d is above 32767", version), "Value")
	}
	rec := &StoredRecord{Topic: topic, Type: t.id, Value: t.newValue(), Version: int16(version)}
	if err := decodeBody(rec.Value, value, r.Offset(), rec.Version); err != nil {
		return nil, err
	}
	return rec, nil
}

// failAt is a DecodeError of kind at offset at of a key or value.
func failAt(at int, kind error, format string, args ...any) error {
	err := wire.NewReader(nil).Fail(kind, format, args...)
	if de, ok := err.(*DecodeError); ok {
		de.Offset = at
	}
	return err
}

// framingError names the StoredRecord field of a framing error.
func framingError(err error, field string) error {
	return wire.InField(err, field)
}

// Encode writes the record as its topic stores it: the key (nil, a null
// key, for a record of the metadata logs) and the value (nil for a
// tombstone). Key and Value must be of the record's type, and Version one
// of its value's versions.
func (s *StoredRecord) Encode() (key, value []byte, err error) {
	info := s.Topic.info()
	if info == nil {
		return nil, nil, wire.EncodeFail("", ErrUnknownRecordType, "%q is not an internal topic this package reads", string(s.Topic))
	}
	t := s.Topic.find(s.Type)
	if t == nil {
		return nil, nil, wire.EncodeFail("", ErrUnknownRecordType, "%s has no record type %d", string(s.Topic), s.Type)
	}
	if info.framed {
		if s.Key != nil {
			return nil, nil, wire.InField(wire.EncodeFail(t.value, ErrNonDefaultValue, "a record of %s has no key", string(s.Topic)), "Key")
		}
		if s.Value == nil {
			return nil, nil, wire.InField(wire.EncodeFail(t.value, ErrNullNotAllowed, "a record of %s needs a value", string(s.Topic)), "Value")
		}
	} else if s.Key == nil {
		return nil, nil, wire.InField(wire.EncodeFail(t.key, ErrNullNotAllowed, "a record of %s needs a key", string(s.Topic)), "Key")
	}
	if s.Key != nil && !t.isKey(s.Key) {
		return nil, nil, wire.InField(wire.EncodeFail(t.key, ErrUnknownRecordType, "record type %d of %s takes a %s key", s.Type, string(s.Topic), t.key), "Key")
	}
	if s.Value != nil && !t.isValue(s.Value) {
		return nil, nil, wire.InField(wire.EncodeFail(t.value, ErrUnknownRecordType, "record type %d of %s takes a %s value", s.Type, string(s.Topic), t.value), "Value")
	}
	if s.Key != nil {
		key = wire.AppendInt16(make([]byte, 0, 2+s.Key.Size(0)), s.Type)
		if key, err = s.Key.AppendTo(key, 0); err != nil {
			return nil, nil, err
		}
	}
	if s.Value == nil {
		return key, nil, nil
	}
	if info.framed {
		// A version outside the value's versions is refused by AppendTo;
		// a negative one cannot be written as an unsigned varint.
		if s.Version < 0 {
			return nil, nil, wire.UnsupportedVersion(t.value, s.Version, t.versions.Min, t.versions.Max)
		}
		value = wire.AppendUvarint(nil, metadataFrameVersion)
		value = wire.AppendUvarint(value, uint32(s.Type))
		value = wire.AppendUvarint(value, uint32(s.Version))
	} else {
		value = wire.AppendInt16(make([]byte, 0, 2+s.Value.Size(s.Version)), s.Version)
	}
	if value, err = s.Value.AppendTo(value, s.Version); err != nil {
		return nil, nil, err
	}
	return key, value, nil
}
