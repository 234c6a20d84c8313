//! Control records: the markers Kafka writes into control batches
//! (transaction commit and abort, and the KRaft log's own control records).
//!
//! A control record's key is `version: int16 (0), type: int16`. The value of
//! a commit or abort marker is `version: int16, coordinatorEpoch: int32`; the
//! KRaft control values are the matching generated message at version 0.

use super::record::Record;
use crate::codec::Reader;
use crate::messages::{
    EndTxnMarker, KRaftVersionRecord, LeaderChangeMessage, SnapshotFooterRecord, SnapshotHeaderRecord, VotersRecord,
};
use crate::{Decode, DecodeExt, Encode};
use crate::{DecodeError, DecodeErrorKind, EncodeError};
use bytes::{BufMut, Bytes, BytesMut};

/// Control record type ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ControlRecordType {
    /// An aborted transaction's marker.
    Abort,
    /// A committed transaction's marker.
    Commit,
    /// KRaft: a new leader.
    LeaderChange,
    /// KRaft: the start of a snapshot.
    SnapshotHeader,
    /// KRaft: the end of a snapshot.
    SnapshotFooter,
    /// KRaft: the `kraft.version` feature level.
    KRaftVersion,
    /// KRaft: the set of voters.
    KRaftVoters,
    /// A type this library does not know.
    Unknown(i16),
}

impl ControlRecordType {
    /// The type for an id; ids Kafka does not define are kept as `Unknown`.
    pub fn from_id(id: i16) -> ControlRecordType {
        match id {
            0 => ControlRecordType::Abort,
            1 => ControlRecordType::Commit,
            2 => ControlRecordType::LeaderChange,
            3 => ControlRecordType::SnapshotHeader,
            4 => ControlRecordType::SnapshotFooter,
            5 => ControlRecordType::KRaftVersion,
            6 => ControlRecordType::KRaftVoters,
            other => ControlRecordType::Unknown(other),
        }
    }

    /// The id in the control record's key.
    pub fn id(self) -> i16 {
        match self {
            ControlRecordType::Abort => 0,
            ControlRecordType::Commit => 1,
            ControlRecordType::LeaderChange => 2,
            ControlRecordType::SnapshotHeader => 3,
            ControlRecordType::SnapshotFooter => 4,
            ControlRecordType::KRaftVersion => 5,
            ControlRecordType::KRaftVoters => 6,
            ControlRecordType::Unknown(id) => id,
        }
    }
}

/// A decoded control record.
#[derive(Debug, Clone, PartialEq)]
pub enum ControlRecord {
    /// A transaction abort marker, with the coordinator epoch.
    Abort {
        /// The epoch of the coordinator that wrote the marker.
        coordinator_epoch: i32,
    },
    /// A transaction commit marker, with the coordinator epoch.
    Commit {
        /// The epoch of the coordinator that wrote the marker.
        coordinator_epoch: i32,
    },
    /// A KRaft leader change.
    LeaderChange(LeaderChangeMessage),
    /// The header of a KRaft snapshot.
    SnapshotHeader(SnapshotHeaderRecord),
    /// The footer of a KRaft snapshot.
    SnapshotFooter(SnapshotFooterRecord),
    /// The `kraft.version` feature level.
    KRaftVersion(KRaftVersionRecord),
    /// The set of KRaft voters.
    KRaftVoters(VotersRecord),
    /// A type this library does not know: its id and raw value.
    Unknown {
        /// The control record type id.
        type_id: i16,
        /// The record's value, as it was.
        value: Option<Bytes>,
    },
}

/// The version the KRaft control values are written at.
const KRAFT_VALUE_VERSION: i16 = 0;

fn kraft_value<T: DecodeExt>(value: &Option<Bytes>) -> Result<T, DecodeError> {
    let value = value.clone().unwrap_or_default();
    T::from_bytes(&value, KRAFT_VALUE_VERSION)
}

impl ControlRecord {
    /// The type of a control record from its key.
    pub fn type_of(record: &Record) -> Result<ControlRecordType, DecodeError> {
        let key = record.key.clone().unwrap_or_default();
        let mut r = Reader::new(&key);
        let _version = r.read_i16().map_err(|e| e.in_field("key"))?;
        Ok(ControlRecordType::from_id(r.read_i16().map_err(|e| e.in_field("key"))?))
    }

    /// Parses a record of a control batch.
    pub fn parse(record: &Record) -> Result<ControlRecord, DecodeError> {
        Ok(match Self::type_of(record)? {
            t @ (ControlRecordType::Abort | ControlRecordType::Commit) => {
                let value = record.value.clone().unwrap_or_default();
                let mut r = Reader::new(&value);
                let version = r.read_i16().map_err(|e| e.in_field("value"))?;
                if version < 0 {
                    return Err(r.error(DecodeErrorKind::Invalid("negative end-transaction marker version")));
                }
                // Newer marker versions only append fields: read what version 0 has.
                let marker = EndTxnMarker::decode(&mut r, 0).map_err(|e| e.in_field("value"))?;
                let coordinator_epoch = marker.coordinator_epoch;
                if t == ControlRecordType::Abort {
                    ControlRecord::Abort { coordinator_epoch }
                } else {
                    ControlRecord::Commit { coordinator_epoch }
                }
            }
            ControlRecordType::LeaderChange => ControlRecord::LeaderChange(kraft_value(&record.value)?),
            ControlRecordType::SnapshotHeader => ControlRecord::SnapshotHeader(kraft_value(&record.value)?),
            ControlRecordType::SnapshotFooter => ControlRecord::SnapshotFooter(kraft_value(&record.value)?),
            ControlRecordType::KRaftVersion => ControlRecord::KRaftVersion(kraft_value(&record.value)?),
            ControlRecordType::KRaftVoters => ControlRecord::KRaftVoters(kraft_value(&record.value)?),
            ControlRecordType::Unknown(type_id) => ControlRecord::Unknown { type_id, value: record.value.clone() },
        })
    }

    /// The record's type.
    pub fn record_type(&self) -> ControlRecordType {
        match self {
            ControlRecord::Abort { .. } => ControlRecordType::Abort,
            ControlRecord::Commit { .. } => ControlRecordType::Commit,
            ControlRecord::LeaderChange(_) => ControlRecordType::LeaderChange,
            ControlRecord::SnapshotHeader(_) => ControlRecordType::SnapshotHeader,
            ControlRecord::SnapshotFooter(_) => ControlRecordType::SnapshotFooter,
            ControlRecord::KRaftVersion(_) => ControlRecordType::KRaftVersion,
            ControlRecord::KRaftVoters(_) => ControlRecordType::KRaftVoters,
            ControlRecord::Unknown { type_id, .. } => ControlRecordType::Unknown(*type_id),
        }
    }

    fn value(&self) -> Result<Option<Bytes>, EncodeError> {
        let mut buf = BytesMut::new();
        match self {
            ControlRecord::Abort { coordinator_epoch } | ControlRecord::Commit { coordinator_epoch } => {
                buf.put_i16(0);
                EndTxnMarker { coordinator_epoch: *coordinator_epoch }.encode(&mut buf, 0)?;
            }
            ControlRecord::LeaderChange(m) => m.encode(&mut buf, KRAFT_VALUE_VERSION)?,
            ControlRecord::SnapshotHeader(m) => m.encode(&mut buf, KRAFT_VALUE_VERSION)?,
            ControlRecord::SnapshotFooter(m) => m.encode(&mut buf, KRAFT_VALUE_VERSION)?,
            ControlRecord::KRaftVersion(m) => m.encode(&mut buf, KRAFT_VALUE_VERSION)?,
            ControlRecord::KRaftVoters(m) => m.encode(&mut buf, KRAFT_VALUE_VERSION)?,
            ControlRecord::Unknown { value, .. } => return Ok(value.clone()),
        }
        Ok(Some(buf.freeze()))
    }

    /// The record that carries this control record (key version 0).
    pub fn to_record(&self, offset_delta: i32, timestamp_delta: i64) -> Result<Record, EncodeError> {
        let mut key = BytesMut::with_capacity(4);
        key.put_i16(0);
        key.put_i16(self.record_type().id());
        Ok(Record {
            attributes: 0,
            timestamp_delta,
            offset_delta,
            key: Some(key.freeze()),
            value: self.value()?,
            headers: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_marker_layout() {
        let record = ControlRecord::Commit { coordinator_epoch: 7 }.to_record(0, 0).unwrap();
        assert_eq!(record.key.as_deref(), Some(&[0, 0, 0, 1][..]));
        assert_eq!(record.value.as_deref(), Some(&[0, 0, 0, 0, 0, 7][..]));
        assert_eq!(ControlRecord::parse(&record).unwrap(), ControlRecord::Commit { coordinator_epoch: 7 });
    }

    #[test]
    fn kraft_control_records_roundtrip() {
        let header = ControlRecord::SnapshotHeader(SnapshotHeaderRecord {
            version: 0,
            last_contained_log_timestamp: 5,
            ..Default::default()
        });
        let record = header.to_record(1, 2).unwrap();
        assert_eq!(ControlRecord::parse(&record).unwrap(), header);
        let unknown = ControlRecord::Unknown { type_id: 99, value: Some(Bytes::from_static(b"x")) };
        assert_eq!(ControlRecord::parse(&unknown.to_record(0, 0).unwrap()).unwrap(), unknown);
    }

    #[test]
    fn short_key_is_an_error() {
        let record = Record { key: Some(Bytes::from_static(&[0])), ..Default::default() };
        assert!(ControlRecord::parse(&record).is_err());
    }
}
