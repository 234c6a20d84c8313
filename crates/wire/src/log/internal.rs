//! The records of Kafka's internal topics, decoded by the topic that holds them.

use super::error::{LogError, LogErrorKind};
use super::reader::{LogBatch, LogRecord};
use crate::messages::stored::{
    read_group_coordinator_record, read_metadata_record, read_remote_log_metadata_record,
    read_share_coordinator_record, read_transaction_coordinator_record, GroupCoordinatorKey, GroupCoordinatorValue,
    MetadataRecord, RemoteLogMetadataRecord, ShareCoordinatorKey, ShareCoordinatorValue, TransactionCoordinatorKey,
    TransactionCoordinatorValue,
};
use crate::records::ControlRecord;
use crate::{DecodeError, DecodeErrorKind};
use bytes::Bytes;
use std::path::Path;

/// A topic in which Kafka keeps its own state, and so the decoder its
/// records need.
///
/// ```
/// use kafka_wire::log::InternalTopic;
///
/// let segment = "/var/lib/kafka/__consumer_offsets-17/00000000000000000000.log";
/// assert_eq!(InternalTopic::from_path(segment), Some(InternalTopic::ConsumerOffsets));
/// assert_eq!(InternalTopic::from_name("__cluster_metadata"), Some(InternalTopic::ClusterMetadata));
/// assert_eq!(InternalTopic::from_path("/var/lib/kafka/orders-0/00000000000000000000.log"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InternalTopic {
    /// `__consumer_offsets`: committed offsets and the groups of every kind.
    ConsumerOffsets,
    /// `__transaction_state`: the transactional ids and their transactions.
    TransactionState,
    /// `__share_group_state`: the share groups' delivery state.
    ShareGroupState,
    /// `__cluster_metadata`: the KRaft metadata log and its snapshots.
    ClusterMetadata,
    /// `__remote_log_metadata`: tiered storage's segment metadata.
    RemoteLogMetadata,
}

impl InternalTopic {
    /// Every internal topic this library decodes.
    pub const ALL: &'static [InternalTopic] = &[
        InternalTopic::ConsumerOffsets,
        InternalTopic::TransactionState,
        InternalTopic::ShareGroupState,
        InternalTopic::ClusterMetadata,
        InternalTopic::RemoteLogMetadata,
    ];

    /// The topic's name.
    pub fn name(self) -> &'static str {
        match self {
            InternalTopic::ConsumerOffsets => "__consumer_offsets",
            InternalTopic::TransactionState => "__transaction_state",
            InternalTopic::ShareGroupState => "__share_group_state",
            InternalTopic::ClusterMetadata => "__cluster_metadata",
            InternalTopic::RemoteLogMetadata => "__remote_log_metadata",
        }
    }

    /// The internal topic of this name, if it is one.
    pub fn from_name(name: &str) -> Option<InternalTopic> {
        Self::ALL.iter().copied().find(|topic| topic.name() == name)
    }

    /// The internal topic whose partition directory (`<topic>-<partition>`,
    /// as the broker names it) holds the file at `path`, if any.
    pub fn from_path(path: impl AsRef<Path>) -> Option<InternalTopic> {
        let directory = path.as_ref().parent()?.file_name()?.to_str()?;
        let (topic, partition) = directory.rsplit_once('-')?;
        if partition.is_empty() || !partition.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Self::from_name(topic)
    }

    /// Decodes a record of this topic from its key and value (`None` for a
    /// null key or value; a null value is a tombstone).
    ///
    /// ```
    /// use bytes::{BufMut, BytesMut};
    /// use kafka_wire::log::{InternalTopic, StoredRecord};
    /// use kafka_wire::messages::stored::GroupCoordinatorKey;
    /// use kafka_wire::messages::OffsetCommitKey;
    ///
    /// let key = GroupCoordinatorKey::OffsetCommit(OffsetCommitKey { group: "payments".into(), topic: "orders".into(), partition: 3 });
    /// let mut key_bytes = BytesMut::new();
    /// key.write_record_key(&mut key_bytes)?;
    ///
    /// // A tombstone: the group's offset for orders-3 was deleted.
    /// let record = InternalTopic::ConsumerOffsets.decode(Some(&key_bytes.freeze()), None)?;
    /// assert_eq!(record, StoredRecord::GroupCoordinator { key, value: None });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode(self, key: Option<&Bytes>, value: Option<&Bytes>) -> Result<StoredRecord, DecodeError> {
        let key = || key.ok_or_else(|| DecodeError::new(DecodeErrorKind::Invalid("record without a key"), 0));
        let value_of_log =
            || value.ok_or_else(|| DecodeError::new(DecodeErrorKind::Invalid("record without a value"), 0));
        Ok(match self {
            InternalTopic::ConsumerOffsets => {
                let (key, value) = read_group_coordinator_record(key()?, value)?;
                StoredRecord::GroupCoordinator { key, value }
            }
            InternalTopic::TransactionState => {
                let (key, value) = read_transaction_coordinator_record(key()?, value)?;
                StoredRecord::TransactionCoordinator { key, value }
            }
            InternalTopic::ShareGroupState => {
                let (key, value) = read_share_coordinator_record(key()?, value)?;
                StoredRecord::ShareCoordinator { key, value }
            }
            InternalTopic::ClusterMetadata => {
                let (record, version) = read_metadata_record(value_of_log()?)?;
                StoredRecord::Metadata { record, version }
            }
            InternalTopic::RemoteLogMetadata => {
                let (record, version) = read_remote_log_metadata_record(value_of_log()?)?;
                StoredRecord::RemoteLogMetadata { record, version }
            }
        })
    }
}

/// A record of an internal topic, decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StoredRecord {
    /// A record of `__consumer_offsets`: its key, and its value with the
    /// value's version, or `None` for a tombstone.
    GroupCoordinator {
        /// The key: which offset or group the record is about.
        key: GroupCoordinatorKey,
        /// The value and its version; `None` for a tombstone.
        value: Option<(GroupCoordinatorValue, i16)>,
    },
    /// A record of `__transaction_state`.
    TransactionCoordinator {
        /// The key: the transactional id.
        key: TransactionCoordinatorKey,
        /// The value and its version; `None` for a tombstone.
        value: Option<(TransactionCoordinatorValue, i16)>,
    },
    /// A record of `__share_group_state`.
    ShareCoordinator {
        /// The key: the share partition.
        key: ShareCoordinatorKey,
        /// The value and its version; `None` for a tombstone.
        value: Option<(ShareCoordinatorValue, i16)>,
    },
    /// A record of the KRaft metadata log or a snapshot, with its version.
    Metadata {
        /// The record.
        record: MetadataRecord,
        /// The version it was written at.
        version: i16,
    },
    /// A record of `__remote_log_metadata`, with its version.
    RemoteLogMetadata {
        /// The record.
        record: RemoteLogMetadataRecord,
        /// The version it was written at.
        version: i16,
    },
}

/// What one record of an internal topic's log holds: a record of the topic,
/// or a control record (a transaction marker, or one of the KRaft log's own).
#[derive(Debug, Clone, PartialEq)]
// Matched by value, as `Request` and `Response` are: a box per record would
// cost an allocation and a pattern that no longer reads as the data.
#[allow(clippy::large_enum_variant)]
pub enum StoredEntry {
    /// A record of the topic's own schemas.
    Record(StoredRecord),
    /// A record of a control batch.
    Control(ControlRecord),
}

impl LogBatch {
    /// The batch's records, each decoded as `topic` stores them (control
    /// batches as control records). An error names the file, the batch and
    /// the record.
    ///
    /// ```no_run
    /// use kafka_wire::log::{InternalTopic, LogReader, StoredEntry, StoredRecord};
    /// use kafka_wire::messages::stored::MetadataRecord;
    ///
    /// // The topics a KRaft snapshot knows.
    /// let snapshot = "/var/lib/kafka/__cluster_metadata-0/00000000000000000042-0000000001.checkpoint";
    /// for batch in LogReader::open(snapshot)? {
    ///     for (_, entry) in batch?.stored_records(InternalTopic::ClusterMetadata)? {
    ///         if let StoredEntry::Record(StoredRecord::Metadata { record: MetadataRecord::Topic(topic), .. }) = entry {
    ///             println!("{} {}", topic.name, topic.topic_id);
    ///         }
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stored_records(&self, topic: InternalTopic) -> Result<Vec<(LogRecord, StoredEntry)>, LogError> {
        let records = self.records()?;
        let control = self.is_control();
        let mut decoded = Vec::with_capacity(records.len());
        for (i, record) in records.into_iter().enumerate() {
            let entry = match control {
                true => record.control_record().map(StoredEntry::Control),
                false => topic.decode(record.key.as_ref(), record.value.as_ref()).map(StoredEntry::Record),
            };
            let entry = entry.map_err(|e| self.error_of(LogErrorKind::Stored(e), None, Some(i)))?;
            decoded.push((record, entry));
        }
        Ok(decoded)
    }
}
