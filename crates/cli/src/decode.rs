//! `kafka-wire decode`: Kafka frames from a capture, a file of
//! size-prefixed frames, or hex.

use crate::capture::CaptureReader;
use crate::frames::FRAMES;
use crate::frames::{decode_request, decode_response, Direction, FrameReport};
use crate::output::{progress, Format, Printer};
use crate::traffic::{Traffic, TrafficOptions};
use anyhow::{bail, Context, Result};
use bytes::{Bytes, BytesMut};
use kafka_wire::connection::ConnectionError;
use kafka_wire::ApiKey;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The first bytes of the capture formats: pcap (both byte orders, micro-
/// and nanosecond) and pcapng.
const CAPTURE_MAGICS: [[u8; 4]; 5] = [
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
    [0x0a, 0x0d, 0x0d, 0x0a],
];

/// How much of the input is read before deciding what it is.
const HEAD_SIZE: usize = 4096;

/// What to decode and how.
pub struct DecodeArgs {
    /// The input file; `None` for standard input.
    pub input: Option<PathBuf>,
    /// Hex given on the command line.
    pub hex: Option<String>,
    /// The input is hex text.
    pub hex_input: bool,
    pub ports: Vec<u16>,
    /// Decode the frames of a non-capture input as responses to this api and version.
    pub response_to: Option<(ApiKey, i16)>,
    pub apis: Vec<ApiKey>,
    pub connection: Option<String>,
    pub records: bool,
    /// Put each frame's bytes in its report, in hex.
    pub frame_hex: bool,
    pub format: Format,
}

/// What a decode run found: frames printed, and how many failed.
#[derive(Debug, Default)]
pub struct Outcome {
    pub frames: u64,
    pub failed: u64,
}

/// Decodes the input and prints its frames.
pub fn run(args: &DecodeArgs) -> Result<Outcome> {
    let mut printer = Printer::new(args.format);
    let mut outcome = Outcome::default();
    let mut emit = |report: FrameReport| {
        outcome.frames += 1;
        if report.error.is_some() {
            outcome.failed += 1;
        }
        if selected(args, &report) {
            // A closed pipe (`| head`) ends the output, not the run's verdict.
            let _ = printer.frame(&report);
        }
    };
    if let Some(hex) = &args.hex {
        frames_from_hex(hex, "hex", args, &mut emit)?;
    } else {
        let (name, size, input) = open(args.input.as_ref())?;
        let read = Arc::new(AtomicU64::new(0));
        let input = Counting { inner: input, read: read.clone() };
        let bar = progress(size);
        let mut input = BufReader::with_capacity(1 << 16, input);
        if args.hex_input {
            let mut text = String::new();
            input.read_to_string(&mut text).with_context(|| format!("{name}: not hex text"))?;
            frames_from_hex(&text, &name, args, &mut emit)?;
        } else {
            // The first bytes tell a capture from frames. The capture reader
            // wants its header whole in its first read: read a block ahead.
            let mut head = Vec::with_capacity(HEAD_SIZE);
            (&mut input)
                .take(HEAD_SIZE as u64)
                .read_to_end(&mut head)
                .with_context(|| format!("{name}: read failed"))?;
            let is_capture = CAPTURE_MAGICS.iter().any(|magic| head.starts_with(magic));
            let input = Cursor::new(head).chain(input);
            let tick = || bar.set_position(read.load(Ordering::Relaxed));
            if is_capture {
                capture(input, &name, args, &mut emit, tick)?;
            } else {
                frames_file(input, &name, args, &mut emit, tick)?;
            }
        }
        bar.finish_and_clear();
    }
    printer.flush().ok();
    Ok(outcome)
}

fn selected(args: &DecodeArgs, report: &FrameReport) -> bool {
    let api_ok = args.apis.is_empty() || report.api.is_some_and(|api| args.apis.contains(&api));
    let connection_ok = args.connection.as_ref().is_none_or(|c| report.connection.contains(c.as_str()));
    api_ok && connection_ok
}

type Input = Box<dyn Read + Send>;

/// The input, its name for messages, and its size when known.
fn open(path: Option<&PathBuf>) -> Result<(String, Option<u64>, Input)> {
    match path {
        Some(path) if path.as_os_str() != "-" => {
            let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            let size = file.metadata().ok().map(|m| m.len());
            Ok((path.display().to_string(), size, Box::new(file)))
        }
        _ => Ok(("stdin".to_string(), None, Box::new(io::stdin()))),
    }
}

fn capture(
    input: impl Read + Send + 'static,
    name: &str,
    args: &DecodeArgs,
    emit: &mut dyn FnMut(FrameReport),
    tick: impl Fn(),
) -> Result<()> {
    let mut reader = CaptureReader::new(input).with_context(|| name.to_string())?;
    let mut traffic =
        Traffic::new(TrafficOptions { ports: args.ports.clone(), records: args.records, frame_hex: args.frame_hex });
    while let Some(segment) = reader.next_segment().with_context(|| name.to_string())? {
        traffic.push(&segment, emit);
        tick();
    }
    traffic.finish(emit);
    let stats = &traffic.stats;
    let skipped = reader.skipped();
    if let Some(at) = reader.truncated_at {
        eprintln!("{name}: the capture ends inside a packet at byte {at}: that packet is left out");
    }
    eprintln!(
        "{name}: {} frames in {} Kafka connections ({} not Kafka); {} failed; {} requests without a response{}",
        stats.frames,
        stats.connections - stats.not_kafka,
        stats.not_kafka,
        stats.failed,
        stats.unanswered,
        if skipped.truncated + skipped.fragments > 0 {
            format!(
                "; {} packets cut by the snapshot length and {} IP fragments left out",
                skipped.truncated, skipped.fragments
            )
        } else {
            String::new()
        }
    );
    for (connection, broker) in &stats.brokers {
        eprintln!("{name}: {connection}: broker {broker}");
    }
    Ok(())
}

/// Size-prefixed frames, one after another (what a proxy or `tcpflow` writes).
fn frames_file(
    mut input: impl Read,
    name: &str,
    args: &DecodeArgs,
    emit: &mut dyn FnMut(FrameReport),
    tick: impl Fn(),
) -> Result<()> {
    let mut position = 0u64;
    loop {
        let frame = match FRAMES.read(&mut input) {
            Ok(Some(frame)) => frame,
            Ok(None) => return Ok(()),
            Err(ConnectionError::FrameTooLarge { size, .. }) => {
                bail!("{name}: byte {position}: {size} is not a frame size: is this a Kafka frames file?")
            }
            Err(e) => bail!("{name}: byte {position}: {e}"),
        };
        let size = frame.len() as u64;
        decode_one(frame, name, format!("byte {position}"), args, emit);
        position += 4 + size;
        tick();
    }
}

/// Frames in hex (spaces and newlines allowed): size-prefixed frames back
/// to back, or one frame without its size.
fn frames_from_hex(text: &str, name: &str, args: &DecodeArgs, emit: &mut dyn FnMut(FrameReport)) -> Result<()> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = digits.strip_prefix("0x").unwrap_or(&digits);
    let bytes = hex::decode(digits).with_context(|| format!("{name}: not hex"))?;
    if prefixed_frames(&bytes) {
        frames_file(&bytes[..], name, args, emit, || {})
    } else {
        decode_one(Bytes::from(bytes), name, "byte 0".into(), args, emit);
        Ok(())
    }
}

/// Whether `bytes` are whole size-prefixed frames, back to back.
fn prefixed_frames(bytes: &[u8]) -> bool {
    let mut rest = BytesMut::from(bytes);
    while let Ok(Some(_)) = FRAMES.next_frame(&mut rest) {}
    rest.is_empty() && !bytes.is_empty()
}

fn decode_one(frame: Bytes, name: &str, position: String, args: &DecodeArgs, emit: &mut dyn FnMut(FrameReport)) {
    let size = frame.len();
    let mut report = match args.response_to {
        Some((api, version)) => {
            let mut report = FrameReport::new(name, Direction::Response, None, position, size);
            decode_response(&frame, api, version, &mut report, args.records);
            report
        }
        None => {
            let mut report = FrameReport::new(name, Direction::Request, None, position, size);
            decode_request(&frame, &mut report, args.records);
            report
        }
    };
    if args.frame_hex {
        report.hex = Some(hex::encode(&frame));
    }
    emit(report);
}

/// Counts the bytes read, for the progress bar.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
