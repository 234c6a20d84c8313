//! The recording proxy of [`crate::proxy`] on tokio: one task per
//! connection and direction, many connections at once. It forwards every
//! frame unchanged, then decodes and re-encodes it and reports a
//! [`ProxyEvent`] for it, and one when each direction closes.

use crate::proxy::{inspect, record_request, InFlight, ProxyEvent};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use kafka_wire::frame::{split_frame, DEFAULT_MAX_FRAME_SIZE};
use std::io;
use std::sync::mpsc::Sender;
use tokio::io::AsyncWriteExt;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::{Decoder, FramedRead};

/// Whole frames, as they came, without their size prefix.
struct RawFrames;

impl Decoder for RawFrames {
    type Item = Bytes;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Bytes>> {
        split_frame(src, DEFAULT_MAX_FRAME_SIZE).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

/// Accepts clients on `listener` until it fails, connecting each to `upstream`.
pub async fn serve(listener: TcpListener, upstream: String, events: Sender<ProxyEvent>, dump: bool) -> io::Result<()> {
    for connection in 0.. {
        let (client, _) = listener.accept().await?;
        let broker = TcpStream::connect(&upstream).await?;
        client.set_nodelay(true)?;
        broker.set_nodelay(true)?;
        let in_flight = InFlight::default();
        let ((client_read, client_write), (broker_read, broker_write)) = (client.into_split(), broker.into_split());
        let (requests, events_too, in_flight_too) = (events.clone(), events.clone(), in_flight.clone());
        tokio::spawn(pump(client_read, broker_write, true, connection, in_flight, requests, dump));
        tokio::spawn(pump(broker_read, client_write, false, connection, in_flight_too, events_too, dump));
    }
    Ok(())
}

async fn pump(
    from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    is_request: bool,
    connection: usize,
    in_flight: InFlight,
    events: Sender<ProxyEvent>,
    dump: bool,
) {
    let mut frames = FramedRead::new(from, RawFrames);
    while let Some(Ok(frame)) = frames.next().await {
        if is_request {
            record_request(&frame, &in_flight);
        }
        // Forward, then check: the check must never delay or alter the traffic.
        let prefix = (frame.len() as i32).to_be_bytes();
        if to.write_all(&prefix).await.is_err() || to.write_all(&frame).await.is_err() {
            break;
        }
        let _ = events.send(ProxyEvent::Frame(inspect(&frame, is_request, connection, &in_flight, dump)));
    }
    let _ = to.shutdown().await;
    let _ = events.send(ProxyEvent::Closed { connection, is_request });
}
