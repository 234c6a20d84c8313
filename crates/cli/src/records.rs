//! Record batches as JSON: inside Produce and Fetch with `decode --records`,
//! and in `dump-log --json`.

use base64::Engine;
use bytes::Bytes;
use kafka_wire::json::serde_json::json;
use kafka_wire::json::Value;
use kafka_wire::log::{LogBatch, LogReader, LogRecord};
use kafka_wire::records::{attributes, ReadBatches, RecordSetEntry};
use kafka_wire::{Request, Response};

/// Bytes as JSON: `null`, their text when they are UTF-8, else `{"base64": ..}`.
pub fn bytes_json(bytes: Option<&Bytes>) -> Value {
    match bytes {
        None => Value::Null,
        Some(b) => match std::str::from_utf8(b) {
            Ok(text) => json!(text),
            Err(_) => json!({"base64": base64::engine::general_purpose::STANDARD.encode(b)}),
        },
    }
}

/// A batch's header as JSON.
pub fn batch_json(batch: &LogBatch) -> Value {
    match &batch.entry {
        RecordSetEntry::Batch(view) => {
            let h = &view.header;
            json!({
                "position": batch.position,
                "baseOffset": h.base_offset,
                "lastOffset": h.last_offset(),
                "count": h.records_count,
                "magic": h.magic,
                "compression": h.compression().map(|c| c.name()).unwrap_or("unknown"),
                "timestampType": format!("{:?}", h.timestamp_type()),
                "isTransactional": h.is_transactional(),
                "isControl": h.is_control(),
                "producerId": h.producer_id,
                "producerEpoch": h.producer_epoch,
                "baseSequence": h.base_sequence,
                "partitionLeaderEpoch": h.partition_leader_epoch,
                "baseTimestamp": h.base_timestamp,
                "maxTimestamp": h.max_timestamp,
                "deleteHorizon": h.attributes & attributes::DELETE_HORIZON != 0,
                "crc": h.crc,
                "size": batch.size(),
            })
        }
        RecordSetEntry::Legacy(m) => json!({
            "position": batch.position,
            "offset": m.offset,
            "magic": m.magic,
            "compression": m.compression().map(|c| c.name()).unwrap_or("unknown"),
            "timestamp": m.timestamp,
            "size": batch.size(),
        }),
    }
}

/// A record as JSON: offset, timestamp, key, value and headers.
pub fn record_json(record: &LogRecord) -> Value {
    let headers: Vec<Value> =
        record.headers.iter().map(|h| json!({"key": h.key.as_str(), "value": bytes_json(h.value.as_ref())})).collect();
    json!({
        "offset": record.offset,
        "timestamp": record.timestamp,
        "key": bytes_json(record.key.as_ref()),
        "value": bytes_json(record.value.as_ref()),
        "headers": headers,
    })
}

/// Every batch of a records field with its records, as JSON; a damaged
/// batch is an `{"error": ..}` entry, a batch cut at the end a `{"truncated": ..}` one.
pub fn records_field_json(records: &Bytes) -> Value {
    let mut out = Vec::new();
    let mut reader = LogReader::new(&records[..]);
    for batch in reader.by_ref() {
        let batch = match batch {
            Ok(batch) => batch,
            Err(e) => {
                out.push(json!({"error": e.to_string()}));
                break;
            }
        };
        let mut entry = batch_json(&batch);
        match batch.records() {
            Ok(records) => entry["records"] = records.iter().map(record_json).collect(),
            Err(e) => entry["error"] = json!(e.to_string()),
        }
        out.push(entry);
    }
    if let Some(tail) = reader.truncated_tail() {
        out.push(json!({"truncated": {"position": tail.position, "bytes": tail.bytes, "declared": tail.declared}}));
    }
    Value::Array(out)
}

/// Replaces the `records` fields of a Produce request's JSON with their batches.
pub fn add_request_records(request: &Request, json: &mut Value) {
    if let Request::Produce(produce) = request {
        for (t, topic) in produce.topic_data.iter().enumerate() {
            for (p, partition) in topic.partition_data.iter().enumerate() {
                json["topicData"][t]["partitionData"][p]["records"] = records_field_json(&partition.raw_records());
            }
        }
    }
}

/// Replaces the `records` fields of a Fetch or ShareFetch response's JSON with their batches.
pub fn add_response_records(response: &Response, json: &mut Value) {
    match response {
        Response::Fetch(fetch) => {
            for (t, topic) in fetch.responses.iter().enumerate() {
                for (p, partition) in topic.partitions.iter().enumerate() {
                    json["responses"][t]["partitions"][p]["records"] = records_field_json(&partition.raw_records());
                }
            }
        }
        Response::ShareFetch(fetch) => {
            for (t, topic) in fetch.responses.iter().enumerate() {
                for (p, partition) in topic.partitions.iter().enumerate() {
                    json["responses"][t]["partitions"][p]["records"] = records_field_json(&partition.raw_records());
                }
            }
        }
        _ => {}
    }
}
