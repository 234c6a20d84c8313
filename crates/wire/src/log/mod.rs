//! Kafka's files on disk: log segments (`*.log`) and KRaft snapshots
//! (`*.checkpoint`), read as a stream of batches without loading the file.
//!
//! - [`LogReader`] iterates a file's batches ([`LogBatch`]: v2 batches and
//!   legacy messages, every codec) with their byte positions, reports a
//!   last batch cut short ([`TruncatedTail`]) and names the file, position,
//!   batch and record in its errors ([`LogError`]).
//! - With the `stored` feature, [`InternalTopic`] decodes the records of
//!   Kafka's internal topics (`__consumer_offsets`, `__transaction_state`,
//!   `__share_group_state`, `__cluster_metadata`, `__remote_log_metadata`)
//!   into the generated types of [`messages::stored`](crate::messages::stored),
//!   and [`LogBatch::stored_records`] decodes a whole batch, control
//!   records included.
//!
//! A snapshot is a log file too: a control batch with its header, batches
//! of metadata records, a control batch with its footer.
//!
//! ```
//! use kafka_wire::log::LogReader;
//! # let dir = std::env::temp_dir().join(format!("kafka-wire-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # let path = dir.join("00000000000000000000.log");
//! # use kafka_wire::records::*;
//! # let batch = RecordBatch::from_records(Compression::Lz4, (0..3).map(|i| (i, Record { offset_delta: i as i32, ..Default::default() })));
//! # std::fs::write(&path, encode_batches(&[batch], &EncodeOptions::default())?)?;
//! let mut records = 0;
//! for batch in LogReader::open(&path)? {
//!     let batch = batch?;
//!     for record in batch.records()? {
//!         println!("{} at {}: {:?}", record.offset, batch.position, record.value);
//!         records += 1;
//!     }
//! }
//! assert_eq!(records, 3);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
#[cfg(feature = "stored")]
mod internal;
mod reader;

pub use error::{LogError, LogErrorKind};
#[cfg(feature = "stored")]
pub use internal::{InternalTopic, StoredEntry, StoredRecord};
pub use reader::{LogBatch, LogReader, LogRecord, TruncatedTail};

use std::path::Path;

/// A KRaft snapshot's id, from its file name: the offset it ends before and
/// the epoch of its last record (`<end offset>-<epoch>.checkpoint`).
///
/// ```
/// use kafka_wire::log::SnapshotId;
///
/// let id = SnapshotId::from_path("__cluster_metadata-0/00000000000000000042-0000000001.checkpoint");
/// assert_eq!(id, Some(SnapshotId { end_offset: 42, epoch: 1 }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SnapshotId {
    /// The offset after the snapshot's last record.
    pub end_offset: i64,
    /// The leader epoch of that record.
    pub epoch: i32,
}

impl SnapshotId {
    /// The id in a snapshot file's name, if it is one.
    pub fn from_path(path: impl AsRef<Path>) -> Option<SnapshotId> {
        let name = path.as_ref().file_name()?.to_str()?.strip_suffix(".checkpoint")?;
        let (offset, epoch) = name.split_once('-')?;
        Some(SnapshotId { end_offset: offset.parse().ok()?, epoch: epoch.parse().ok()? })
    }
}
