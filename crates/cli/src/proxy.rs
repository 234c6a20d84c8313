//! `kafka-wire proxy`: forwards bytes between Kafka clients and a broker
//! unchanged, and on the side decodes every frame (the same report as
//! `decode` prints), encodes it again and checks the bytes are identical.
//!
//! Requests carry their api key and version; each is recorded by its
//! correlation id before it is forwarded (the broker may answer before the
//! proxy has looked at it), and its response is decoded with them. Every
//! frame becomes a [`ProxyEvent::Frame`], and the end of each direction of
//! each connection a [`ProxyEvent::Closed`] (with the reason, when it did
//! not end cleanly between frames), so a caller knows when it has seen
//! everything.
//!
//! Two ways to run it, same events: [`serve`], a thread per connection and
//! direction, and [`serve_async`], a tokio task per connection and direction.

use crate::frames::{decode_matched_response, decode_request, Direction, FrameReport, Reencoded, FRAMES};
use bytes::{Buf, Bytes};
use futures_util::StreamExt;
use kafka_wire::connection::Correlator;
use kafka_wire::tokio::FrameCodec;
use kafka_wire::RequestHead;
use kafka_wire::ResponseFrame;
use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::AsyncWriteExt;
use tokio_util::codec::FramedRead;

/// What the proxy reports.
#[derive(Debug, Clone)]
pub enum ProxyEvent {
    /// One frame, forwarded and checked.
    Frame(Box<ProxiedFrame>),
    /// One direction of a connection ended: no frame of it follows.
    Closed {
        /// The connection, numbered from 0 in the order they were accepted.
        connection: usize,
        /// Which direction.
        direction: Direction,
        /// Why, when it did not end cleanly between frames (a frame cut
        /// short, a size no Kafka frame has, a failed write).
        error: Option<String>,
    },
}

/// One frame the proxy forwarded.
#[derive(Debug, Clone)]
pub struct ProxiedFrame {
    /// The connection, numbered from 0.
    pub connection: usize,
    /// The frame decoded, with whether it re-encoded identically.
    pub report: FrameReport,
    /// The frame's bytes, without its size prefix, as forwarded.
    pub bytes: Bytes,
    /// Whether it reached the other side: false when that side had left
    /// (its report says so too).
    pub forwarded: bool,
}

impl ProxiedFrame {
    /// Whether the frame decoded and re-encoded to the same bytes.
    pub fn round_trips(&self) -> bool {
        self.report.error.is_none() && self.report.reencoded == Some(Reencoded::Identical)
    }
}

/// How the proxy reports frames.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProxyOptions {
    /// Put each frame's bytes in its report, in hex.
    pub hex: bool,
}

/// One connection's state, shared by its two directions: the requests in
/// flight.
#[derive(Clone)]
struct Link {
    connection: usize,
    name: String,
    requests: Arc<Mutex<Correlator>>,
    events: Sender<ProxyEvent>,
    options: ProxyOptions,
}

impl Link {
    fn new(connection: usize, client: SocketAddr, events: &Sender<ProxyEvent>, options: ProxyOptions) -> Link {
        Link {
            connection,
            name: format!("#{connection} {client}"),
            requests: Arc::default(),
            events: events.clone(),
            options,
        }
    }

    /// Records a request before it is forwarded; what went wrong, if
    /// anything, for its report.
    fn record(&self, frame: &Bytes) -> Option<String> {
        let head = RequestHead::peek(frame).ok()?;
        self.requests.lock().expect("no thread panics holding it").request(head).err().map(|e| e.to_string())
    }

    /// Decodes, re-encodes and reports one forwarded frame.
    fn inspect(&self, frame: Bytes, direction: Direction, index: u64, recorded: Option<String>, forwarded: bool) {
        let time = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
        let mut report = FrameReport::new(&self.name, direction, Some(time), format!("frame {index}"), frame.len());
        let again = match direction {
            Direction::Request => decode_request(&frame, &mut report, false).1.map(|d| d.to_bytes()),
            Direction::Response => self.response(&frame, &mut report).map(|d| d.to_bytes()),
        };
        if let Some(why) = recorded {
            report.error.get_or_insert(why);
        }
        if let Some(again) = again {
            report.reencoded = Some(Reencoded::compare(&frame, again));
        }
        if !forwarded {
            report.note.get_or_insert_with(|| "not forwarded: the other side had closed".into());
        }
        if self.options.hex {
            report.hex = Some(hex::encode(&frame));
        }
        let _ = self.events.send(ProxyEvent::Frame(Box::new(ProxiedFrame {
            connection: self.connection,
            report,
            bytes: frame,
            forwarded,
        })));
    }

    fn response(&self, frame: &Bytes, report: &mut FrameReport) -> Option<ResponseFrame> {
        let mut requests = self.requests.lock().expect("no thread panics holding it");
        decode_matched_response(frame, &mut requests, report, false)
    }

    fn closed(&self, direction: Direction, error: Option<String>) {
        let _ = self.events.send(ProxyEvent::Closed { connection: self.connection, direction, error });
    }
}

/// Accepts clients on `listener` until it fails, connecting each to
/// `upstream`; a thread per connection and direction.
pub fn serve(
    listener: TcpListener,
    upstream: &str,
    events: Sender<ProxyEvent>,
    options: ProxyOptions,
) -> io::Result<()> {
    for connection in 0.. {
        let (client, address) = listener.accept()?;
        let broker = TcpStream::connect(upstream)?;
        client.set_nodelay(true)?;
        broker.set_nodelay(true)?;
        let link = Link::new(connection, address, &events, options);
        let (client_in, broker_in) = (client.try_clone()?, broker.try_clone()?);
        let requests = link.clone();
        std::thread::spawn(move || pump(client_in, broker, Direction::Request, requests));
        std::thread::spawn(move || pump(broker_in, client, Direction::Response, link));
    }
    Ok(())
}

/// Copies frames from `from` to `to` unchanged, checking each on the way.
fn pump(mut from: TcpStream, mut to: TcpStream, direction: Direction, link: Link) {
    let frames = FRAMES;
    let mut error = None;
    for index in 0.. {
        let frame = match frames.read(&mut from) {
            Ok(Some(frame)) => frame,
            Ok(None) => break,
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        };
        let recorded = if direction == Direction::Request { link.record(&frame) } else { None };
        // Forward, then check: the check must never delay or alter the
        // traffic. A frame that could not be forwarded (the other side
        // left) was still sent by its peer: it is reported too.
        let forwarded = write_frame_blocking(&mut to, &frame);
        link.inspect(frame, direction, index, recorded, forwarded.is_ok());
        if let Err(e) = forwarded {
            error = Some(format!("forwarding failed: {e}"));
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    let _ = from.shutdown(Shutdown::Read);
    link.closed(direction, error);
}

/// [`serve`] on tokio: a task per connection and direction.
pub async fn serve_async(
    listener: tokio::net::TcpListener,
    upstream: &str,
    events: Sender<ProxyEvent>,
    options: ProxyOptions,
) -> io::Result<()> {
    for connection in 0.. {
        let (client, address) = listener.accept().await?;
        let broker = tokio::net::TcpStream::connect(upstream).await?;
        client.set_nodelay(true)?;
        broker.set_nodelay(true)?;
        let link = Link::new(connection, address, &events, options);
        let ((client_in, client_out), (broker_in, broker_out)) = (client.into_split(), broker.into_split());
        tokio::spawn(pump_async(client_in, broker_out, Direction::Request, link.clone()));
        tokio::spawn(pump_async(broker_in, client_out, Direction::Response, link));
    }
    Ok(())
}

async fn pump_async(
    from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    direction: Direction,
    link: Link,
) {
    let mut frames = FramedRead::new(from, FrameCodec::with_max_size(FRAMES.max_size()));
    let mut error = None;
    let mut index = 0;
    while let Some(frame) = frames.next().await {
        let frame = match frame {
            Ok(frame) => frame,
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        };
        let recorded = if direction == Direction::Request { link.record(&frame) } else { None };
        let prefix = (frame.len() as i32).to_be_bytes();
        let forwarded = write_frame(&mut to, &prefix, &frame).await;
        link.inspect(frame, direction, index, recorded, forwarded.is_ok());
        index += 1;
        if let Err(e) = forwarded {
            error = Some(format!("forwarding failed: {e}"));
            break;
        }
    }
    let _ = to.shutdown().await;
    link.closed(direction, error);
}

/// Size prefix and frame in one vectored write, so that a peer that has
/// gone gets the whole frame or none of it, never a lone size prefix.
fn write_frame_blocking(to: &mut TcpStream, frame: &Bytes) -> io::Result<()> {
    let prefix = Bytes::copy_from_slice(&(frame.len() as i32).to_be_bytes());
    kafka_wire::write_chunks(to, &[prefix, frame.clone()])
}

/// [`write_frame_blocking`] on tokio.
async fn write_frame(to: &mut tokio::net::tcp::OwnedWriteHalf, prefix: &[u8], frame: &[u8]) -> io::Result<()> {
    to.write_all_buf(&mut prefix.chain(frame)).await
}
