//! Message workloads W1-W4 and W6: kafka-wire side by side with
//! kafka-protocol, kafka_wire_protocol and tansu-sans-io, each on the
//! workloads it supports. Before timing, each workload checks every crate
//! writes the same bytes as kafka-wire for the same logical message, and
//! W1 and W4 print allocations per decode.
//!
//!     cargo bench -p kafka-wire-bench --bench messages

use bytes::{Bytes, BytesMut};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use kafka_protocol::protocol::{Decodable as _, Encodable as _};
use kafka_wire::{ApiKey, DecodeExt, EncodeExt, RequestFrame, ResponseFrame};
use kafka_wire_bench::alloc_count::{count, Counting};
use kafka_wire_bench::{
    check_same, with_kafka_protocol as kp, with_kafka_wire as kw, with_kafka_wire_protocol as kwp, with_tansu as tansu,
};

#[global_allocator]
static ALLOC: Counting = Counting;

/// Encodes into a reused buffer (the way a connection writes), so the
/// timing is the encoder's and not the allocator's.
fn encode_loop(b: &mut criterion::Bencher, capacity: usize, mut encode: impl FnMut(&mut BytesMut)) {
    let mut buf = BytesMut::with_capacity(capacity);
    b.iter(|| {
        buf.clear();
        encode(&mut buf);
        black_box(buf.len())
    })
}

/// kafka_wire_protocol writes to `std::io::Write`: a reused `Vec`.
fn kwp_write_loop(
    b: &mut criterion::Bencher,
    capacity: usize,
    message: &impl kafka_wire_protocol::readable_writable::Writable,
) {
    let mut out = Vec::with_capacity(capacity);
    b.iter(|| {
        out.clear();
        message.write(&mut out).unwrap();
        black_box(out.len())
    })
}

fn tansu_response(frame: &Bytes, api_key: ApiKey, version: i16) -> tansu_sans_io::Frame {
    tansu_sans_io::Frame::response_from_bytes(&frame[..], api_key.key(), version).unwrap()
}

/// One response workload in the form each crate builds it.
struct ResponseWorkload<Kw, Kp, Kwp, Tansu> {
    group: &'static str,
    api_key: ApiKey,
    version: i16,
    ours: Kw,
    kafka_protocol: Kp,
    kafka_wire_protocol: Kwp,
    tansu: Tansu,
}

/// A response every crate supports (W1, W2): checks every crate writes
/// kafka-wire's bytes, prints allocations per decode if asked, then times
/// each crate's decode and encode.
fn bench_response<Kw, Kp, Kwp, Tansu>(
    c: &mut Criterion,
    w: ResponseWorkload<Kw, Kp, Kwp, Tansu>,
    print_allocations: bool,
) where
    Kw: EncodeExt + DecodeExt + Clone + Into<kafka_wire::Response>,
    Kp: kafka_protocol::protocol::Encodable + kafka_protocol::protocol::Decodable,
    Kwp: kafka_wire_protocol::readable_writable::Writable + kafka_wire_protocol::readable_writable::Readable,
    Tansu: Into<tansu_sans_io::Body> + Clone,
{
    let (version, key) = (w.version, w.api_key.key());
    let bytes = w.ours.to_bytes(version).unwrap();
    check_same(w.group, "kafka-protocol", &bytes, &kp::to_bytes(&w.kafka_protocol, version));
    check_same(w.group, "kafka_wire_protocol", &bytes, &kwp::to_bytes(&w.kafka_wire_protocol));
    // tansu-sans-io writes whole frames: compare frames.
    let frame = ResponseFrame::new(w.ours.clone(), 1).to_bytes(version).unwrap();
    check_same(w.group, "tansu-sans-io (frame)", &frame, &tansu::response_frame(w.tansu.clone(), key, version, 1));

    if print_allocations {
        let allocations = [
            ("kafka-wire", count(|| Kw::from_bytes(&bytes, version).unwrap()).1),
            ("kafka-protocol", count(|| Kp::decode(&mut bytes.clone(), version).unwrap()).1),
            ("kafka_wire_protocol", count(|| kwp::decode::<Kwp>(&bytes)).1),
            ("tansu-sans-io (whole frame)", count(|| tansu_response(&frame, w.api_key, version)).1),
        ];
        println!("{} allocations per decode: {allocations:?}", w.group);
    }

    let mut g = c.benchmark_group(w.group);
    g.bench_function("kafka-wire decode", |b| b.iter(|| Kw::from_bytes(black_box(&bytes), version).unwrap()));
    g.bench_function("kafka-protocol decode", |b| {
        b.iter(|| Kp::decode(&mut black_box(bytes.clone()), version).unwrap())
    });
    g.bench_function("kafka_wire_protocol decode", |b| b.iter(|| kwp::decode::<Kwp>(black_box(&bytes))));
    g.bench_function("tansu-sans-io decode (frame)", |b| {
        b.iter(|| tansu_response(black_box(&frame), w.api_key, version))
    });
    g.bench_function("kafka-wire encode", |b| encode_loop(b, bytes.len(), |buf| w.ours.encode(buf, version).unwrap()));
    g.bench_function("kafka-protocol encode", |b| {
        encode_loop(b, bytes.len(), |buf| w.kafka_protocol.encode(buf, version).unwrap())
    });
    g.bench_function("kafka_wire_protocol encode", |b| kwp_write_loop(b, bytes.len(), &w.kafka_wire_protocol));
    g.bench_function("tansu-sans-io encode (frame, with clone)", |b| {
        b.iter(|| tansu::response_frame(black_box(&w.tansu).clone(), key, version, 1))
    });
    g.bench_function("tansu-sans-io clone only", |b| b.iter(|| black_box(&w.tansu).clone()));
    g.finish();
}

// ---- W1: MetadataResponse v12, 1000 topics x 10 partitions ----
fn bench_w1(c: &mut Criterion) {
    let workload = ResponseWorkload {
        group: "W1 MetadataResponse v12 1000x10",
        api_key: ApiKey::Metadata,
        version: 12,
        ours: kw::w1(),
        kafka_protocol: kp::w1(),
        kafka_wire_protocol: kwp::w1(),
        tansu: tansu::w1(),
    };
    bench_response(c, workload, true);
}

// ---- W2: ApiVersionsResponse v3 with every api key ----
fn bench_w2(c: &mut Criterion) {
    let workload = ResponseWorkload {
        group: "W2 ApiVersionsResponse v3",
        api_key: ApiKey::ApiVersions,
        version: 3,
        ours: kw::w2(),
        kafka_protocol: kp::w2(),
        kafka_wire_protocol: kwp::w2(),
        tansu: tansu::w2(),
    };
    bench_response(c, workload, false);
}

// ---- W3: RequestHeader v2 + MetadataRequest v12 with 10 topics, roundtrip ----
fn bench_w3(c: &mut Criterion) {
    let ours = kw::w3();
    let (header, body) = kp::w3();
    let (kwp_header, kwp_body) = kwp::w3();
    let tansu_body = tansu::w3();
    let frame = ours.to_bytes().unwrap();
    let mut theirs = BytesMut::new();
    header.encode(&mut theirs, 2).unwrap();
    body.encode(&mut theirs, 12).unwrap();
    check_same("W3", "kafka-protocol", &frame[4..], &theirs);
    let mut kwp_bytes = kwp::to_bytes(&kwp_header);
    kwp_bytes.extend(kwp::to_bytes(&kwp_body));
    check_same("W3", "kafka_wire_protocol", &frame[4..], &kwp_bytes);
    let tansu_frame = tansu::request_frame(tansu_body.clone(), 3, 12, 42, kafka_wire_bench::W3_CLIENT_ID);
    check_same("W3 frame", "tansu-sans-io", &frame, &tansu_frame);

    let mut g = c.benchmark_group("W3 RequestHeader v2 + MetadataRequest v12 roundtrip");
    g.bench_function("kafka-wire", |b| {
        b.iter(|| {
            let bytes = black_box(&ours).to_bytes().unwrap();
            RequestFrame::decode(&bytes.slice(4..)).unwrap()
        })
    });
    g.bench_function("kafka-protocol", |b| b.iter(|| kp::w3_roundtrip(black_box(&header), black_box(&body))));
    g.bench_function("kafka_wire_protocol", |b| {
        b.iter(|| kwp::w3_roundtrip(black_box(&kwp_header), black_box(&kwp_body)))
    });
    g.bench_function("tansu-sans-io (frame, with clone)", |b| {
        b.iter(|| {
            let bytes = tansu::request_frame(black_box(&tansu_body).clone(), 3, 12, 42, kafka_wire_bench::W3_CLIENT_ID);
            tansu_sans_io::Frame::request_from_bytes(&bytes[..]).unwrap()
        })
    });
    g.finish();
}

// ---- W4: FetchResponse (highest version), 50 partitions x 64 KiB batch ----
fn bench_w4(c: &mut Criterion) {
    let version = 18;
    let ours = kw::w4();
    let bytes = ours.to_bytes(version).unwrap();
    check_same("W4", "kafka-protocol", &bytes, &kp::to_bytes(&kp::w4(), version));
    let tansu_frame = tansu::response_frame(tansu::w4(), 1, tansu::FETCH_VERSION, 1);
    let frame = ResponseFrame::new(ours.clone(), 1).to_bytes(tansu::FETCH_VERSION).unwrap();
    check_same("W4 frame (v17)", "tansu-sans-io", &frame, &tansu_frame);

    let allocations = [
        ("kafka-wire", count(|| kafka_wire::messages::FetchResponse::from_bytes(&bytes, version).unwrap()).1),
        (
            "kafka-protocol",
            count(|| kafka_protocol::messages::FetchResponse::decode(&mut bytes.clone(), version).unwrap()).1,
        ),
        ("tansu-sans-io (v17 frame)", count(|| tansu_response(&tansu_frame, ApiKey::Fetch, tansu::FETCH_VERSION)).1),
    ];
    println!("W4 allocations per decode: {allocations:?}");

    let mut g = c.benchmark_group("W4 FetchResponse v18 50x64KiB decode");
    g.bench_function("kafka-wire", |b| {
        b.iter(|| kafka_wire::messages::FetchResponse::from_bytes(black_box(&bytes), version).unwrap())
    });
    g.bench_function("kafka-protocol", |b| {
        b.iter(|| kafka_protocol::messages::FetchResponse::decode(&mut black_box(bytes.clone()), version).unwrap())
    });
    g.bench_function("tansu-sans-io (v17 frame)", |b| {
        b.iter(|| tansu_response(black_box(&tansu_frame), ApiKey::Fetch, tansu::FETCH_VERSION))
    });
    g.bench_function("memcpy of the payload", |b| {
        let mut dst = vec![0u8; bytes.len()];
        b.iter(|| {
            dst.copy_from_slice(black_box(&bytes));
            black_box(dst[0])
        })
    });
    g.finish();
}

// ---- W6: ProduceRequest, 100 partitions x 16 KiB, encode with frame header ----
fn bench_w6(c: &mut Criterion) {
    let ours = kw::w6(13);
    let (header, body) = kp::w6();
    let tansu_body = tansu::w6();
    let frame = ours.to_bytes().unwrap();
    let mut theirs = BytesMut::new();
    kp::w6_encode_frame(&mut theirs, &header, &body);
    check_same("W6", "kafka-protocol", &frame, &theirs);
    let tansu_frame = || {
        tansu::request_frame(
            black_box(&tansu_body).clone(),
            0,
            tansu::PRODUCE_VERSION,
            kafka_wire_bench::W6_CORRELATION_ID,
            kafka_wire_bench::W6_CLIENT_ID,
        )
    };
    let chunks = ours.to_chunks().unwrap();
    check_same("W6 (vectored)", "kafka-wire vectored", &frame, &chunks.concat());
    let ours_v11 = kw::w6(tansu::PRODUCE_VERSION);
    check_same("W6 (v11)", "tansu-sans-io", &ours_v11.to_bytes().unwrap(), &tansu_frame());

    let mut g = c.benchmark_group("W6 ProduceRequest v13 100x16KiB encode with frame");
    g.bench_function("kafka-wire", |b| encode_loop(b, frame.len(), |buf| ours.encode(buf).unwrap()));
    // The same frame as chunks that share the batches (RequestFrame::to_chunks),
    // ready for a vectored write; the chunk list is built and dropped each time.
    g.bench_function("kafka-wire vectored", |b| b.iter(|| black_box(ours.to_chunks().unwrap()).len()));
    g.bench_function("kafka-protocol", |b| encode_loop(b, frame.len(), |buf| kp::w6_encode_frame(buf, &header, &body)));
    g.bench_function("kafka-wire (v11)", |b| encode_loop(b, frame.len(), |buf| ours_v11.encode(buf).unwrap()));
    g.bench_function("tansu-sans-io (v11, with clone)", |b| b.iter(tansu_frame));
    g.bench_function("tansu-sans-io clone only", |b| b.iter(|| black_box(&tansu_body).clone()));
    g.finish();
}

criterion_group!(benches, bench_w1, bench_w2, bench_w3, bench_w4, bench_w6);
criterion_main!(benches);
