//! Vectored encoding: `to_chunks` writes exactly the bytes of `to_bytes`,
//! sharing large payloads instead of copying them, and `write_chunks`
//! survives partial and interrupted writes.

use bytes::{BufMut, Bytes};
use kafka_wire::messages::produce_request::{PartitionProduceData, TopicProduceData};
use kafka_wire::messages::ProduceRequest;
use kafka_wire::random::Rng;
use kafka_wire::{write_chunks, ApiKey, Request, RequestFrame, Response, ResponseFrame, VectoredBuf};
use std::io;

mod common;

fn seeds() -> u64 {
    common::proptest_cases(32).into()
}

#[test]
fn chunks_equal_the_contiguous_encoding_for_every_message_and_version() {
    let mut shared_payloads = 0;
    for seed in 0..seeds() {
        let mut rng = Rng::with_seed(seed);
        for &api in ApiKey::ALL {
            for version in api.valid_versions().iter() {
                // Request header v0 (ControlledShutdown v0) has no client id.
                let client_id = (api.request_header_version(version) > 0).then_some("c");
                let request = RequestFrame::new(Request::random(api, &mut rng, version), version, 7, client_id);
                let chunks = request.to_chunks().unwrap();
                assert_eq!(chunks.concat(), request.to_bytes().unwrap(), "{api:?} v{version} request, seed {seed}");
                shared_payloads += chunks.iter().filter(|c| c.len() >= VectoredBuf::MIN_SHARED_LEN).count();

                let response = ResponseFrame::new(Response::random(api, &mut rng, version), version, 7);
                let chunks = response.to_chunks().unwrap();
                assert_eq!(chunks.concat(), response.to_bytes().unwrap(), "{api:?} v{version} response");
            }
        }
    }
    assert!(shared_payloads > 0, "the random messages never had a payload large enough to share");
}

fn produce_frame(batches: &[Bytes]) -> RequestFrame {
    let request = ProduceRequest {
        acks: -1,
        timeout_ms: 1000,
        topic_data: vec![TopicProduceData {
            name: "t".into(),
            partition_data: batches
                .iter()
                .enumerate()
                .map(|(i, b)| PartitionProduceData { index: i as i32, records: Some(b.clone()), ..Default::default() })
                .collect(),
            ..Default::default()
        }],
        ..Default::default()
    };
    RequestFrame::new(request, 12, 1, None)
}

#[test]
fn large_payloads_are_shared_and_small_ones_copied() {
    let large = Bytes::from(vec![1u8; VectoredBuf::MIN_SHARED_LEN]);
    let small = Bytes::from(vec![2u8; VectoredBuf::MIN_SHARED_LEN - 1]);
    let frame = produce_frame(&[large.clone(), small.clone(), large.clone()]);
    let chunks = frame.to_chunks().unwrap();
    // copied head, shared batch, copied middle (with the small batch), shared batch, copied tail
    let shared: Vec<bool> = chunks.iter().map(|c| c.as_ptr() == large.as_ptr()).collect();
    assert_eq!(shared, [false, true, false, true, false]);
    assert!(chunks[2].windows(small.len()).any(|w| w == &small[..]));
    assert_eq!(chunks.concat(), frame.to_bytes().unwrap());
}

#[test]
fn vectored_buf_is_a_buf_mut() {
    let mut buf = VectoredBuf::new();
    assert!(buf.is_empty());
    buf.put_i32(7);
    buf.put(&b"abc"[..]);
    let payload = Bytes::from(vec![9u8; 1000]);
    buf.put(payload.clone());
    buf.put_u8(1);
    assert_eq!(buf.len(), 4 + 3 + 1000 + 1);
    let chunks = buf.into_chunks();
    assert_eq!(chunks.len(), 3);
    assert_eq!(chunks[1].as_ptr(), payload.as_ptr());
    assert_eq!(chunks.concat(), [&[0, 0, 0, 7, b'a', b'b', b'c'][..], &payload, &[1]].concat());
}

/// Accepts at most `step` bytes per call and fails every other call with
/// `Interrupted`.
struct Trickle {
    out: Vec<u8>,
    step: usize,
    calls: usize,
}

impl io::Write for Trickle {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls.is_multiple_of(2) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = data.len().min(self.step);
        self.out.extend_from_slice(&data[..n]);
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let first = bufs.iter().find(|b| !b.is_empty()).map_or(&[][..], |b| &b[..]);
        self.write(first)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn write_chunks_resumes_after_partial_and_interrupted_writes() {
    let chunks: Vec<Bytes> =
        vec![Bytes::from_static(b"head"), Bytes::new(), Bytes::from(vec![5u8; 700]), Bytes::from_static(b"tail")];
    for step in [1, 3, 4, 5, 699, 700, 10_000] {
        let mut out = Trickle { out: Vec::new(), step, calls: 0 };
        write_chunks(&mut out, &chunks).unwrap();
        assert_eq!(out.out, chunks.concat(), "step {step}");
    }
    struct Full;
    impl io::Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Ok(0)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    assert_eq!(write_chunks(&mut Full, &chunks).unwrap_err().kind(), io::ErrorKind::WriteZero);
}

#[test]
fn frame_write_to_sends_the_frame() {
    let frame = produce_frame(&[Bytes::from(vec![3u8; 4096]), Bytes::from(vec![4u8; 10])]);
    let mut out = Trickle { out: Vec::new(), step: 1000, calls: 0 };
    frame.write_to(&mut out).unwrap();
    assert_eq!(out.out, frame.to_bytes().unwrap());
}
