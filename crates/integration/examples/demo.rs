//! The demo: against a running broker, create a topic, produce records,
//! fetch them back and print every step. `scripts/demo.sh` starts a broker,
//! runs this, and stops the broker.
//!
//!     cargo run -p kafka-wire-integration --example demo -- 127.0.0.1:9092

use bytes::Bytes;
use kafka_wire::messages::*;
use kafka_wire::records::{
    Compression, DecodeOptions, EncodeOptions, Header, ReadBatches, Record, RecordBatch, WriteBatches,
};
use kafka_wire::ErrorCode;
use kafka_wire_integration::{expect, Connection, Result};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const TOPIC: &str = "kafka-wire-demo";

fn check(what: &str, code: i16) -> Result<()> {
    match ErrorCode::try_from(code) {
        Ok(e) if e.is_ok() => Ok(()),
        Ok(e) => Err(format!("{what}: {e}").into()),
        Err(code) => Err(format!("{what}: unknown error code {code}").into()),
    }
}

fn main() -> Result<()> {
    let address = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:9092".into());
    let mut conn = Connection::connect(&address)?;
    println!("connected to {address}; the broker supports {} APIs", conn.broker_versions().len());

    // Create the topic.
    let create = CreateTopicsRequest {
        topics: vec![create_topics_request::CreatableTopic {
            name: TOPIC.into(),
            num_partitions: 1,
            replication_factor: 1,
            ..Default::default()
        }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    let created = expect!(conn.send_latest(create)?, CreateTopics);
    let topic_result = &created.topics[0];
    match ErrorCode::try_from(topic_result.error_code) {
        Ok(ErrorCode::TopicAlreadyExists) => println!("topic {TOPIC} already exists"),
        _ => {
            check("CreateTopics", topic_result.error_code)?;
            println!("created topic {TOPIC} (id {})", topic_result.topic_id);
        }
    }

    // Wait until metadata shows a leader for partition 0.
    let metadata_request = MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic { name: Some(TOPIC.into()), ..Default::default() }]),
        ..Default::default()
    };
    let (topic_id, leader) = loop {
        let metadata = expect!(conn.send_latest(metadata_request.clone())?, Metadata);
        let topic = &metadata.topics[0];
        if topic.error_code == 0 && topic.partitions.first().is_some_and(|p| p.leader_id >= 0) {
            break (topic.topic_id, topic.partitions[0].leader_id);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    println!("metadata: partition 0 led by broker {leader}");

    // Produce five records with keys, values and headers, lz4-compressed.
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as i64;
    let records = (0..5).map(|i| {
        let record = Record {
            key: Some(Bytes::from(format!("key-{i}"))),
            value: Some(Bytes::from(format!("hello from kafka-wire #{i}"))),
            headers: vec![Header::new("demo", Some(Bytes::from_static(b"yes")))],
            ..Default::default()
        };
        (now + i, record)
    });
    let batch = RecordBatch::from_records(Compression::Lz4, records);
    let mut partition = produce_request::PartitionProduceData { index: 0, ..Default::default() };
    partition.set_batches(&[batch], &EncodeOptions::default())?;
    let produce_version = conn.version_for(kafka_wire::ApiKey::Produce).ok_or("no Produce support")?;
    let produce = ProduceRequest {
        acks: -1,
        timeout_ms: 30_000,
        topic_data: vec![produce_request::TopicProduceData {
            // Produce v13 names topics by id, older versions by name.
            name: if produce_version >= 13 { "".into() } else { TOPIC.into() },
            topic_id: if produce_version >= 13 { topic_id } else { Default::default() },
            partition_data: vec![partition],
            ..Default::default()
        }],
        ..Default::default()
    };
    // Metadata can name the leader a moment before the leader is ready to
    // take writes (NOT_LEADER_OR_FOLLOWER): retry retriable errors, as a
    // producer does.
    let mut attempts = 0;
    let produced = loop {
        let produced = expect!(conn.send(produce.clone(), produce_version)?, Produce);
        let code = produced.responses[0].partition_responses[0].error_code;
        attempts += 1;
        match ErrorCode::try_from(code) {
            Ok(e) if e.is_retriable() && attempts < 50 => std::thread::sleep(Duration::from_millis(100)),
            _ => break produced,
        }
    };
    let result = &produced.responses[0].partition_responses[0];
    check("Produce", result.error_code)?;
    println!("produced 5 records (lz4) at offset {} with Produce v{produce_version}", result.base_offset);

    // Fetch them back.
    let fetch_version = conn.version_for(kafka_wire::ApiKey::Fetch).ok_or("no Fetch support")?;
    let fetch = FetchRequest {
        max_wait_ms: 500,
        min_bytes: 1,
        max_bytes: 1 << 20,
        topics: vec![fetch_request::FetchTopic {
            topic: if fetch_version >= 13 { "".into() } else { TOPIC.into() },
            topic_id,
            partitions: vec![fetch_request::FetchPartition {
                partition: 0,
                fetch_offset: result.base_offset,
                partition_max_bytes: 1 << 20,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let fetched = expect!(conn.send(fetch, fetch_version)?, Fetch);
    check("Fetch", fetched.error_code)?;
    let partition = &fetched.responses[0].partitions[0];
    check("Fetch partition", partition.error_code)?;
    println!("fetched with Fetch v{fetch_version}, high watermark {}:", partition.high_watermark);
    let mut count = 0;
    for batch in partition.batches() {
        let batch = batch?;
        let codec = batch.header.compression()?;
        for record in batch.records(&DecodeOptions::default())? {
            let offset = batch.header.base_offset + record.offset_delta as i64;
            let text = |b: &Option<Bytes>| b.as_ref().map(|b| String::from_utf8_lossy(b).into_owned());
            println!(
                "  offset {offset} ({}): {:?} = {:?}, headers {:?}",
                codec.name(),
                text(&record.key).unwrap_or_default(),
                text(&record.value).unwrap_or_default(),
                record.headers.iter().map(|h| h.key.as_str()).collect::<Vec<_>>()
            );
            count += 1;
        }
    }
    if count < 5 {
        return Err(format!("expected at least 5 records back, got {count}").into());
    }

    // Clean up.
    let delete = DeleteTopicsRequest {
        topic_names: vec![TOPIC.into()],
        topics: vec![delete_topics_request::DeleteTopicState { name: Some(TOPIC.into()), ..Default::default() }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    let delete_version = conn.version_for(kafka_wire::ApiKey::DeleteTopics).ok_or("no DeleteTopics support")?;
    // DeleteTopics v6 names topics in `topics`, older versions in `topic_names`.
    let delete = if delete_version >= 6 {
        DeleteTopicsRequest { topic_names: vec![], ..delete }
    } else {
        DeleteTopicsRequest { topics: vec![], ..delete }
    };
    let deleted = expect!(conn.send(delete, delete_version)?, DeleteTopics);
    check("DeleteTopics", deleted.responses[0].error_code)?;
    println!("deleted topic {TOPIC}; done");
    Ok(())
}
