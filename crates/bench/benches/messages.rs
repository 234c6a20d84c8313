//! Message workloads W1-W4 and W6: kafka-wire side by side with
//! kafka-protocol, kafka_wire_protocol and tansu-sans-io, and (with the
//! features `kacrab` and `krabka`) kacrab-protocol and krabka-protocol, each
//! on the workloads it supports. Before timing, each workload checks every
//! crate writes the same bytes as kafka-wire for the same logical message,
//! and W1 and W4 print allocations per decode. Each group also times a
//! memcpy of the workload's bytes: the floor no codec can go below.
//!
//!     cargo bench -p kafka-wire-bench --features kacrab,krabka --ignore-rust-version --bench messages

use bytes::{Bytes, BytesMut};
use criterion::{black_box, criterion_group, criterion_main, Bencher, Criterion};
use kafka_protocol::protocol::{Decodable as _, Encodable as _};
use kafka_wire::{ApiKey, DecodeExt, EncodeExt, RequestFrame, ResponseFrame};
use kafka_wire_bench::alloc_count::{count, Counting};
use kafka_wire_bench::{
    check_same, with_kafka_protocol as kp, with_kafka_wire as kw, with_kafka_wire_protocol as kwp, with_tansu as tansu,
};

mod common;
use common::encode_loop;

#[global_allocator]
static ALLOC: Counting = Counting;

/// A memcpy of `bytes` into a reused buffer: what moving the workload's
/// bytes costs at all, the limit each crate's row is compared with.
fn memcpy_loop(b: &mut Bencher, bytes: &[u8]) {
    let mut dst = vec![0u8; bytes.len()];
    b.iter(|| {
        dst.copy_from_slice(black_box(bytes));
        black_box(dst[0])
    })
}

/// A timed function of one crate, added to a workload's group.
type Row<'a> = (&'static str, Box<dyn FnMut(&mut Bencher) + 'a>);

/// One of the crates added after the first four, for one workload: the
/// bytes it wrote (checked against kafka-wire's before anything is timed)
/// and its rows.
struct Peer<'a> {
    name: &'static str,
    bytes: Bytes,
    rows: Vec<Row<'a>>,
}

/// kacrab-protocol's rows for a response: its messages have no common
/// trait, so `read` and `write` are the message type's own functions.
#[cfg(feature = "kacrab")]
fn kacrab_response<'a, T: 'a>(
    message: T,
    version: i16,
    read: fn(&mut Bytes, i16) -> kacrab_protocol::Result<T>,
    write: fn(&T, &mut BytesMut, i16) -> kacrab_protocol::Result<()>,
) -> Peer<'a> {
    let bytes = kafka_wire_bench::with_kacrab::to_bytes(|buf| write(&message, buf, version));
    let (input, len) = (bytes.clone(), bytes.len());
    Peer {
        name: "kacrab-protocol",
        bytes,
        rows: vec![
            (
                "kacrab-protocol decode",
                Box::new(move |b| b.iter(|| read(&mut black_box(input.clone()), version).unwrap())),
            ),
            (
                "kacrab-protocol encode",
                Box::new(move |b| encode_loop(b, len, |buf| write(&message, buf, version).unwrap())),
            ),
        ],
    }
}

/// krabka-protocol's rows for a response: the owned type decoded from
/// `Bytes` (its fastest input: strings and records are then slices, not
/// copies) and encoded, and the borrowed type decoded by `borrowed`, which
/// is given the bytes.
#[cfg(feature = "krabka")]
fn krabka_response<'a, T>(
    message: T,
    version: i16,
    borrowed: impl FnOnce(Bytes) -> Box<dyn FnMut(&mut Bencher) + 'a>,
) -> Peer<'a>
where
    T: krabka_protocol::Encode + for<'de> krabka_protocol::Decode<'de> + 'a,
{
    let bytes = kafka_wire_bench::with_krabka::to_bytes(&message, version);
    let (input, len) = (bytes.clone(), bytes.len());
    Peer {
        name: "krabka-protocol",
        bytes: bytes.clone(),
        rows: vec![
            (
                "krabka-protocol decode",
                Box::new(move |b| b.iter(|| T::decode(&mut black_box(input.clone()), version).unwrap())),
            ),
            ("krabka-protocol decode (borrowed)", borrowed(bytes)),
            (
                "krabka-protocol encode",
                Box::new(move |b| encode_loop(b, len, |buf| message.encode(buf, version).unwrap())),
            ),
        ],
    }
}

/// krabka's borrowed decode of `T` from `bytes` at `version`, as a row.
#[cfg(feature = "krabka")]
macro_rules! krabka_borrowed_row {
    ($t:ty, $version:expr) => {
        |bytes: Bytes| -> Box<dyn FnMut(&mut Bencher)> {
            use krabka_protocol::DecodeBorrow;
            Box::new(move |b| b.iter(|| <$t>::decode_borrow(&mut black_box(&bytes[..]), $version).unwrap()))
        }
    };
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
    peers: Vec<Peer>,
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
    let frame = ResponseFrame::new(w.ours.clone(), version, 1).to_bytes().unwrap();
    check_same(w.group, "tansu-sans-io (frame)", &frame, &tansu::response_frame(w.tansu.clone(), key, version, 1));
    for peer in &peers {
        check_same(w.group, peer.name, &bytes, &peer.bytes);
    }

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
    // From a slice, kafka-protocol copies each string instead of counting a
    // reference to the input: faster for short strings.
    g.bench_function("kafka-protocol decode (from &[u8])", |b| {
        b.iter(|| Kp::decode(&mut black_box(&bytes[..]), version).unwrap())
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
    for peer in peers {
        for (name, mut row) in peer.rows {
            g.bench_function(name, |b| row(b));
        }
    }
    g.bench_function("memcpy of the bytes", |b| memcpy_loop(b, &bytes));
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
    #[allow(unused_mut)]
    let mut peers = Vec::new();
    #[cfg(feature = "kacrab")]
    {
        use kacrab_protocol::generated::metadata_response::MetadataResponseData as M;
        peers.push(kacrab_response(kafka_wire_bench::with_kacrab::w1(), 12, M::read, M::write));
    }
    #[cfg(feature = "krabka")]
    peers.push(krabka_response(
        kafka_wire_bench::with_krabka::w1(),
        12,
        krabka_borrowed_row!(krabka_protocol::borrowed::metadata_response::MetadataResponse, 12),
    ));
    bench_response(c, workload, peers, true);
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
    #[allow(unused_mut)]
    let mut peers = Vec::new();
    #[cfg(feature = "kacrab")]
    {
        use kacrab_protocol::generated::api_versions_response::ApiVersionsResponseData as M;
        peers.push(kacrab_response(kafka_wire_bench::with_kacrab::w2(), 3, M::read, M::write));
    }
    #[cfg(feature = "krabka")]
    peers.push(krabka_response(
        kafka_wire_bench::with_krabka::w2(),
        3,
        krabka_borrowed_row!(krabka_protocol::borrowed::api_versions_response::ApiVersionsResponse, 3),
    ));
    bench_response(c, workload, peers, false);
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
    #[cfg(feature = "kacrab")]
    let (kacrab_header, kacrab_body) = kafka_wire_bench::with_kacrab::w3();
    #[cfg(feature = "kacrab")]
    {
        let mut theirs = BytesMut::new();
        kacrab_header.write(&mut theirs, 2).unwrap();
        kacrab_body.write(&mut theirs, 12).unwrap();
        check_same("W3", "kacrab-protocol", &frame[4..], &theirs);
    }
    #[cfg(feature = "krabka")]
    let (krabka_header, krabka_body) = kafka_wire_bench::with_krabka::w3();
    #[cfg(feature = "krabka")]
    {
        let mut theirs = kafka_wire_bench::with_krabka::to_bytes(&krabka_header, 2).to_vec();
        theirs.extend_from_slice(&kafka_wire_bench::with_krabka::to_bytes(&krabka_body, 12));
        check_same("W3", "krabka-protocol", &frame[4..], &theirs);
    }

    let mut g = c.benchmark_group("W3 RequestHeader v2 + MetadataRequest v12 roundtrip");
    g.bench_function("kafka-wire", |b| {
        b.iter(|| {
            let bytes = black_box(&ours).to_bytes().unwrap();
            RequestFrame::decode(&bytes.slice(4..)).unwrap()
        })
    });
    g.bench_function("kafka-protocol", |b| b.iter(|| kp::w3_roundtrip(black_box(&header), black_box(&body))));
    g.bench_function("kafka-protocol (decoding from &[u8])", |b| {
        b.iter(|| kp::w3_roundtrip_from_slice(black_box(&header), black_box(&body)))
    });
    #[cfg(feature = "kacrab")]
    g.bench_function("kacrab-protocol", |b| {
        b.iter(|| kafka_wire_bench::with_kacrab::w3_roundtrip(black_box(&kacrab_header), black_box(&kacrab_body)))
    });
    #[cfg(feature = "krabka")]
    g.bench_function("krabka-protocol", |b| {
        b.iter(|| kafka_wire_bench::with_krabka::w3_roundtrip(black_box(&krabka_header), black_box(&krabka_body)))
    });
    #[cfg(feature = "krabka")]
    g.bench_function("krabka-protocol (decoding borrowed)", |b| {
        b.iter(|| {
            kafka_wire_bench::with_krabka::w3_roundtrip_borrowed(black_box(&krabka_header), black_box(&krabka_body))
        })
    });
    g.bench_function("kafka_wire_protocol", |b| {
        b.iter(|| kwp::w3_roundtrip(black_box(&kwp_header), black_box(&kwp_body)))
    });
    g.bench_function("tansu-sans-io (frame, with clone)", |b| {
        b.iter(|| {
            let bytes = tansu::request_frame(black_box(&tansu_body).clone(), 3, 12, 42, kafka_wire_bench::W3_CLIENT_ID);
            tansu_sans_io::Frame::request_from_bytes(&bytes[..]).unwrap()
        })
    });
    // A roundtrip moves the bytes twice: out of the message and back.
    g.bench_function("memcpy of the bytes, twice", |b| {
        let mut dst = vec![0u8; frame.len()];
        b.iter(|| {
            dst.copy_from_slice(black_box(&frame));
            let copy = black_box(&dst).clone();
            black_box(copy.len())
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
    let frame = ResponseFrame::new(ours.clone(), tansu::FETCH_VERSION, 1).to_bytes().unwrap();
    check_same("W4 frame (v17)", "tansu-sans-io", &frame, &tansu_frame);
    #[cfg(feature = "kacrab")]
    check_same(
        "W4",
        "kacrab-protocol",
        &bytes,
        &kafka_wire_bench::with_kacrab::to_bytes(|buf| kafka_wire_bench::with_kacrab::w4().write(buf, version)),
    );
    #[cfg(feature = "krabka")]
    check_same(
        "W4",
        "krabka-protocol",
        &bytes,
        &kafka_wire_bench::with_krabka::to_bytes(&kafka_wire_bench::with_krabka::w4(), version),
    );

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
    // (kafka-protocol from a slice would copy the 3.2 MB of records: its
    // `Bytes` input, above, is its fastest form here.)
    #[cfg(feature = "kacrab")]
    g.bench_function("kacrab-protocol", |b| {
        use kacrab_protocol::generated::fetch_response::FetchResponseData;
        b.iter(|| FetchResponseData::read(&mut black_box(bytes.clone()), version).unwrap())
    });
    #[cfg(feature = "krabka")]
    g.bench_function("krabka-protocol", |b| {
        use krabka_protocol::Decode;
        type M = krabka_protocol::owned::fetch_response::FetchResponse;
        b.iter(|| M::decode(&mut black_box(bytes.clone()), version).unwrap())
    });
    #[cfg(feature = "krabka")]
    g.bench_function("krabka-protocol (borrowed)", |b| {
        use krabka_protocol::DecodeBorrow;
        type M<'a> = krabka_protocol::borrowed::fetch_response::FetchResponse<'a>;
        b.iter(|| M::decode_borrow(&mut black_box(&bytes[..]), version).unwrap())
    });
    g.bench_function("memcpy of the payload", |b| memcpy_loop(b, &bytes));
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
    #[cfg(feature = "kacrab")]
    let (kacrab_header, kacrab_body) = kafka_wire_bench::with_kacrab::w6();
    #[cfg(feature = "kacrab")]
    {
        let mut theirs = BytesMut::new();
        kafka_wire_bench::with_kacrab::w6_encode_frame(&mut theirs, &kacrab_header, &kacrab_body);
        check_same("W6", "kacrab-protocol", &frame, &theirs);
    }
    #[cfg(feature = "krabka")]
    let (krabka_header, krabka_body) = kafka_wire_bench::with_krabka::w6();
    #[cfg(feature = "krabka")]
    {
        let mut theirs = BytesMut::new();
        kafka_wire_bench::with_krabka::w6_encode_frame(&mut theirs, &krabka_header, &krabka_body);
        check_same("W6", "krabka-protocol", &frame, &theirs);
    }

    let mut g = c.benchmark_group("W6 ProduceRequest v13 100x16KiB encode with frame");
    g.bench_function("kafka-wire", |b| encode_loop(b, frame.len(), |buf| ours.encode(buf).unwrap()));
    // The same frame as chunks that share the batches (RequestFrame::to_chunks),
    // ready for a vectored write; the chunk list is built and dropped each time.
    g.bench_function("kafka-wire vectored", |b| b.iter(|| black_box(ours.to_chunks().unwrap()).len()));
    g.bench_function("kafka-protocol", |b| encode_loop(b, frame.len(), |buf| kp::w6_encode_frame(buf, &header, &body)));
    g.bench_function("kafka-wire (v11)", |b| encode_loop(b, frame.len(), |buf| ours_v11.encode(buf).unwrap()));
    g.bench_function("tansu-sans-io (v11, with clone)", |b| b.iter(tansu_frame));
    g.bench_function("tansu-sans-io clone only", |b| b.iter(|| black_box(&tansu_body).clone()));
    #[cfg(feature = "kacrab")]
    g.bench_function("kacrab-protocol", |b| {
        encode_loop(b, frame.len(), |buf| {
            kafka_wire_bench::with_kacrab::w6_encode_frame(buf, &kacrab_header, &kacrab_body)
        })
    });
    #[cfg(feature = "krabka")]
    g.bench_function("krabka-protocol", |b| {
        encode_loop(b, frame.len(), |buf| {
            kafka_wire_bench::with_krabka::w6_encode_frame(buf, &krabka_header, &krabka_body)
        })
    });
    g.bench_function("memcpy of the bytes", |b| memcpy_loop(b, &frame));
    g.finish();
}

criterion_group!(benches, bench_w1, bench_w2, bench_w3, bench_w4, bench_w6);
criterion_main!(benches);
