//! Kafka conversations in a capture: TCP connections put back in order,
//! split into frames, requests decoded and matched to their responses by
//! correlation id.

use crate::capture::Segment;
use crate::frames::{decode_matched_response, decode_request, Direction, FrameReport, FRAMES};
use crate::reassembly::HalfStream;
use bytes::{Bytes, BytesMut};
use kafka_wire::connection::Correlator;
use kafka_wire::RequestHead;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;

/// What `decode` was asked for.
#[derive(Debug, Clone, Default)]
pub struct TrafficOptions {
    /// The Kafka ports; empty to recognise Kafka by its first request.
    pub ports: Vec<u16>,
    /// Decode the record batches in Produce and Fetch.
    pub records: bool,
    /// Put each frame's bytes in its report, in hex.
    pub frame_hex: bool,
}

/// Counts for the summary at the end.
#[derive(Debug, Default, Clone)]
pub struct TrafficStats {
    pub connections: usize,
    /// Connections that did not look like Kafka (only when guessing the ports).
    pub not_kafka: usize,
    pub frames: u64,
    pub failed: u64,
    /// Requests whose response the capture does not hold (an acks=0
    /// Produce expects none, and is not counted).
    pub unanswered: u64,
    /// What each connection's ApiVersions response says its broker is, by
    /// connection name, in the order the guesses came.
    pub brokers: Vec<(String, String)>,
}

/// One direction's bytes, in order, and the frames they hold.
#[derive(Default)]
struct Side {
    stream: HalfStream,
    buffer: BytesMut,
    /// Set once the side's bytes stop making sense: nothing more is decoded.
    broken: bool,
    /// The side sent its FIN.
    finished: bool,
}

/// Whether a connection carries Kafka.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Not known until the client's first frame.
    Unknown,
    Kafka,
    NotKafka,
}

struct Connection {
    client: SocketAddr,
    name: String,
    to_server: Side,
    to_client: Side,
    verdict: Verdict,
    requests: Correlator,
}

/// The Kafka frames of a capture, as its segments come in.
pub struct Traffic {
    options: TrafficOptions,
    connections: HashMap<(SocketAddr, SocketAddr), Connection>,
    pub stats: TrafficStats,
}

impl Traffic {
    pub fn new(options: TrafficOptions) -> Traffic {
        Traffic { options, connections: HashMap::new(), stats: TrafficStats::default() }
    }

    /// Takes a segment; `emit` gets the frames it completes.
    pub fn push(&mut self, segment: &Segment, emit: &mut dyn FnMut(FrameReport)) {
        let key = ordered(segment.source, segment.destination);
        if !self.connections.contains_key(&key) {
            let Some((client, server)) = self.roles(segment) else { return };
            self.stats.connections += 1;
            let name = format!("{client} > {server}");
            let connection = Connection {
                client,
                name,
                to_server: Side::default(),
                to_client: Side::default(),
                verdict: Verdict::Unknown,
                requests: Correlator::new(),
            };
            self.connections.insert(key, connection);
        }
        let options = &self.options;
        let stats = &mut self.stats;
        let connection = self.connections.get_mut(&key).unwrap();
        let direction = if segment.source == connection.client { Direction::Request } else { Direction::Response };
        let side = match direction {
            Direction::Request => &mut connection.to_server,
            Direction::Response => &mut connection.to_client,
        };
        side.finished |= segment.fin;
        let delivery = side.stream.push(segment.sequence, segment.syn, &segment.payload);
        if let Some((at, bytes)) = delivery.lost {
            if connection.verdict != Verdict::NotKafka && !side.broken {
                let mut report = FrameReport::new(&connection.name, direction, segment.time, packet(segment), 0);
                report.error = Some(format!("{bytes} bytes at stream byte {at} are missing from the capture"));
                side.broken = true;
                stats.failed += 1;
                emit(report);
            }
        }
        if !side.broken && connection.verdict != Verdict::NotKafka {
            side.buffer.extend_from_slice(&delivery.data);
            connection.frames(direction, segment, options, stats, emit);
        }
        // A connection reset, or closed both ways, is done: what is left of
        // it is reported now, so a long capture holds only open connections.
        if segment.rst || (connection.to_server.finished && connection.to_client.finished) {
            let connection = self.connections.remove(&key).unwrap();
            self.close(connection, emit);
        }
    }

    /// Which side is the client: the SYN's sender, the side not on a Kafka
    /// port, or the side on the higher (ephemeral) port. `None` for a
    /// connection that is not on a Kafka port given.
    fn roles(&self, segment: &Segment) -> Option<(SocketAddr, SocketAddr)> {
        let (s, d) = (segment.source, segment.destination);
        if !self.options.ports.is_empty() {
            let kafka = |a: SocketAddr| self.options.ports.contains(&a.port());
            return match (kafka(s), kafka(d)) {
                (_, true) => Some((s, d)),
                (true, false) => Some((d, s)),
                (false, false) => None,
            };
        }
        if segment.syn {
            return Some(if segment.ack { (d, s) } else { (s, d) });
        }
        Some(if s.port() > d.port() { (s, d) } else { (d, s) })
    }

    /// The end of the capture: what is left of each connection is reported.
    pub fn finish(&mut self, emit: &mut dyn FnMut(FrameReport)) {
        let connections: BTreeMap<String, Connection> =
            self.connections.drain().map(|(_, c)| (c.name.clone(), c)).collect();
        for connection in connections.into_values() {
            self.close(connection, emit);
        }
    }

    /// Reports what a connection left: a frame cut short, bytes the capture
    /// missed, requests without a response.
    fn close(&mut self, connection: Connection, emit: &mut dyn FnMut(FrameReport)) {
        if connection.verdict == Verdict::NotKafka {
            self.stats.not_kafka += 1;
            return;
        }
        for (direction, side) in
            [(Direction::Request, &connection.to_server), (Direction::Response, &connection.to_client)]
        {
            if side.broken {
                continue;
            }
            let pending = side.buffer.len();
            let gap = side.stream.has_gap();
            if pending > 0 || gap {
                let mut report = FrameReport::new(&connection.name, direction, None, "end".into(), pending);
                report.error = Some(match gap {
                    true => "the capture misses bytes before the connection's last segments".to_string(),
                    false => format!("the connection ends inside a frame ({pending} bytes of it)"),
                });
                self.stats.failed += 1;
                emit(report);
            }
        }
        self.stats.unanswered += connection.requests.len() as u64;
    }
}

impl Connection {
    /// Emits every whole frame that `direction`'s buffer holds.
    fn frames(
        &mut self,
        direction: Direction,
        segment: &Segment,
        options: &TrafficOptions,
        stats: &mut TrafficStats,
        emit: &mut dyn FnMut(FrameReport),
    ) {
        loop {
            let side = match direction {
                Direction::Request => &mut self.to_server,
                Direction::Response => &mut self.to_client,
            };
            let frame = match FRAMES.next_frame(&mut side.buffer) {
                Ok(Some(frame)) => frame,
                Ok(None) => return,
                Err(e) => {
                    side.broken = true;
                    if self.verdict == Verdict::Unknown && options.ports.is_empty() {
                        self.verdict = Verdict::NotKafka;
                        return;
                    }
                    let mut report = FrameReport::new(&self.name, direction, segment.time, packet(segment), 0);
                    report.error = Some(format!("not Kafka: {e}"));
                    stats.failed += 1;
                    emit(report);
                    return;
                }
            };
            if self.verdict == Verdict::Unknown && direction == Direction::Request {
                self.verdict = if looks_like_request(&frame) { Verdict::Kafka } else { Verdict::NotKafka };
                if self.verdict == Verdict::NotKafka && options.ports.is_empty() {
                    return;
                }
            }
            let mut report = FrameReport::new(&self.name, direction, segment.time, packet(segment), frame.len());
            if options.frame_hex {
                report.hex = Some(hex::encode(&frame));
            }
            match direction {
                Direction::Request => {
                    if let (Some(head), _) = decode_request(&frame, &mut report, options.records) {
                        if let Err(e) = self.requests.request(head) {
                            report.error.get_or_insert(e.to_string());
                        }
                    }
                }
                Direction::Response => self.response(&frame, &mut report, options),
            }
            stats.frames += 1;
            if report.error.is_some() {
                stats.failed += 1;
            }
            if let Some(guess) = &report.broker_releases {
                stats.brokers.push((self.name.clone(), guess.describe()));
            }
            emit(report);
        }
    }

    fn response(&mut self, frame: &Bytes, report: &mut FrameReport, options: &TrafficOptions) {
        decode_matched_response(frame, &mut self.requests, report, options.records);
    }
}

/// Whether a client's first frame is a Kafka request: a known api key at a
/// version Kafka defines for it.
fn looks_like_request(frame: &Bytes) -> bool {
    RequestHead::peek(frame).is_ok_and(|head| head.api_key.valid_versions().contains(head.version))
}

fn ordered(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

fn packet(segment: &Segment) -> String {
    format!("packet {}", segment.packet)
}
