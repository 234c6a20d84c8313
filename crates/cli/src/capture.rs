//! Reading a pcap or pcapng capture, packet by packet, down to TCP
//! segments: the link layers tcpdump writes (Ethernet, Linux cooked v1,
//! raw IP, BSD loopback), IPv4 and IPv6.

use anyhow::{bail, Result};
use etherparse::{NetSlice, SlicedPacket, TransportSlice};
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{create_reader, Block, Linktype, PcapBlockOwned, PcapError};
use std::io::Read;
use std::net::SocketAddr;

/// The reader's buffer; it grows for a larger packet.
const BUFFER_SIZE: usize = 1 << 20;

/// No capture tool writes a packet block this large (tcpdump's snapshot
/// length is 256 KiB): a larger one is a damaged length.
const MAX_BLOCK: usize = 64 << 20;

/// One TCP segment of the capture.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Its packet's number in the capture, from 1 as Wireshark counts.
    pub packet: u64,
    /// Seconds since the Unix epoch, when the capture says.
    pub time: Option<f64>,
    pub source: SocketAddr,
    pub destination: SocketAddr,
    pub sequence: u32,
    pub syn: bool,
    pub ack: bool,
    pub fin: bool,
    pub rst: bool,
    pub payload: Vec<u8>,
}

/// What a capture holds besides TCP segments, counted for the summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Skipped {
    /// Packets that are not TCP over IP (ARP, UDP, ...).
    pub not_tcp: u64,
    /// Packets of a link type this reader does not know.
    pub unknown_link: u64,
    /// IP fragments (a TCP segment in fragments is not reassembled).
    pub fragments: u64,
    /// Packets cut by the capture's snapshot length.
    pub truncated: u64,
}

/// The interface a pcapng packet came from.
#[derive(Clone, Copy)]
struct Interface {
    linktype: Linktype,
    /// Timestamp units per second.
    units_per_second: f64,
    offset_seconds: i64,
}

/// Streams the TCP segments of a capture.
pub struct CaptureReader {
    reader: Box<dyn PcapReaderIterator + Send>,
    packets: Packets,
    /// Set when the capture ended inside a packet.
    pub truncated_at: Option<u64>,
}

/// What the blocks so far said: the link types, and the packets counted.
#[derive(Default)]
struct Packets {
    legacy: Option<Interface>,
    interfaces: Vec<Interface>,
    count: u64,
    skipped: Skipped,
}

impl CaptureReader {
    /// Opens a capture (pcap or pcapng, found by its first bytes).
    pub fn new(input: impl Read + Send + 'static) -> Result<CaptureReader> {
        let reader = match create_reader(BUFFER_SIZE, input) {
            Ok(reader) => reader,
            Err(PcapError::HeaderNotRecognized) => bail!("not a pcap or pcapng capture (its first bytes are neither)"),
            Err(PcapError::Eof) => bail!("the capture is empty"),
            Err(e) => bail!("cannot read the capture's header: {e:?}"),
        };
        Ok(CaptureReader { reader, packets: Packets::default(), truncated_at: None })
    }

    /// The packets left out so far, by why.
    pub fn skipped(&self) -> Skipped {
        self.packets.skipped
    }

    /// Bytes of the capture consumed so far.
    pub fn position(&self) -> u64 {
        self.reader.consumed() as u64
    }

    /// The next TCP segment, `None` at the end of the capture. A capture cut
    /// inside a packet ends cleanly, with [`CaptureReader::truncated_at`] set.
    pub fn next_segment(&mut self) -> Result<Option<Segment>> {
        loop {
            let position = self.position();
            let (consumed, segment) = match self.reader.next() {
                Ok((consumed, block)) => (consumed, self.packets.on_block(block)),
                Err(PcapError::Eof) => return Ok(None),
                Err(PcapError::UnexpectedEof) => {
                    self.truncated_at = Some(position);
                    return Ok(None);
                }
                Err(PcapError::Incomplete(_)) => {
                    self.refill(position)?;
                    continue;
                }
                Err(PcapError::BufferTooSmall) => {
                    let size = self.reader.data().len().max(BUFFER_SIZE) * 2;
                    if size > MAX_BLOCK || !self.reader.grow(size) {
                        bail!(
                            "capture byte {position}: a block larger than {} MiB: a damaged length?",
                            MAX_BLOCK >> 20
                        );
                    }
                    self.refill(position)?;
                    continue;
                }
                Err(e) => bail!("capture byte {position}: damaged block ({e:?})"),
            };
            let segment = segment?;
            self.reader.consume(consumed);
            if let Some(segment) = segment {
                return Ok(Some(segment));
            }
        }
    }

    fn refill(&mut self, position: u64) -> Result<()> {
        self.reader.refill().map_err(|e| anyhow::anyhow!("capture byte {position}: read failed ({e:?})"))
    }
}

impl Packets {
    /// A packet's TCP segment, if it has one; headers and interfaces are remembered.
    fn on_block(&mut self, block: PcapBlockOwned<'_>) -> Result<Option<Segment>> {
        match block {
            PcapBlockOwned::LegacyHeader(header) => {
                let units = if header.is_nanosecond_precision() { 1e9 } else { 1e6 };
                self.legacy = Some(Interface { linktype: header.network, units_per_second: units, offset_seconds: 0 });
                Ok(None)
            }
            PcapBlockOwned::Legacy(packet) => {
                let interface = self.legacy.expect("a pcap header comes first");
                let time = packet.ts_sec as f64 + packet.ts_usec as f64 / interface.units_per_second;
                self.packet(interface.linktype, Some(time), packet.data, packet.caplen < packet.origlen)
            }
            PcapBlockOwned::NG(Block::SectionHeader(_)) => {
                self.interfaces.clear(); // interface ids count from 0 in each section
                Ok(None)
            }
            PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                self.interfaces.push(Interface {
                    linktype: idb.linktype,
                    units_per_second: ts_units_per_second(idb.if_tsresol),
                    offset_seconds: idb.if_tsoffset,
                });
                Ok(None)
            }
            PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                let Some(interface) = self.interfaces.get(epb.if_id as usize).copied() else {
                    bail!(
                        "packet {} names interface {}, which the capture does not describe",
                        self.count + 1,
                        epb.if_id
                    );
                };
                let units = ((epb.ts_high as u64) << 32) | epb.ts_low as u64;
                let time = interface.offset_seconds as f64 + units as f64 / interface.units_per_second;
                let data = &epb.data[..(epb.caplen as usize).min(epb.data.len())];
                self.packet(interface.linktype, Some(time), data, epb.caplen < epb.origlen)
            }
            PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                let Some(interface) = self.interfaces.first().copied() else {
                    bail!("packet {}: a simple packet before any interface", self.count + 1);
                };
                self.packet(interface.linktype, None, spb.data, false)
            }
            PcapBlockOwned::NG(_) => Ok(None), // statistics, name resolution, ...
        }
    }

    fn packet(&mut self, link: Linktype, time: Option<f64>, data: &[u8], cut: bool) -> Result<Option<Segment>> {
        self.count += 1;
        if cut {
            self.skipped.truncated += 1;
            return Ok(None);
        }
        let sliced = match link {
            Linktype::ETHERNET => SlicedPacket::from_ethernet(data),
            Linktype::LINUX_SLL => SlicedPacket::from_linux_sll(data),
            Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 => SlicedPacket::from_ip(data),
            // BSD loopback: a 4-byte address family, then IP.
            Linktype::NULL | Linktype::LOOP if data.len() >= 4 => SlicedPacket::from_ip(&data[4..]),
            _ => {
                self.skipped.unknown_link += 1;
                return Ok(None);
            }
        };
        let Ok(sliced) = sliced else {
            self.skipped.not_tcp += 1;
            return Ok(None);
        };
        let (source, destination, fragmented) = match &sliced.net {
            Some(NetSlice::Ipv4(ip)) => {
                (ip.header().source_addr().into(), ip.header().destination_addr().into(), ip.is_payload_fragmented())
            }
            Some(NetSlice::Ipv6(ip)) => {
                (ip.header().source_addr().into(), ip.header().destination_addr().into(), ip.is_payload_fragmented())
            }
            _ => {
                self.skipped.not_tcp += 1;
                return Ok(None);
            }
        };
        if fragmented {
            self.skipped.fragments += 1;
            return Ok(None);
        }
        let Some(TransportSlice::Tcp(tcp)) = &sliced.transport else {
            self.skipped.not_tcp += 1;
            return Ok(None);
        };
        Ok(Some(Segment {
            packet: self.count,
            time,
            source: SocketAddr::new(source, tcp.source_port()),
            destination: SocketAddr::new(destination, tcp.destination_port()),
            sequence: tcp.sequence_number(),
            syn: tcp.syn(),
            ack: tcp.ack(),
            fin: tcp.fin(),
            rst: tcp.rst(),
            payload: tcp.payload().to_vec(),
        }))
    }
}

/// pcapng's `if_tsresol`: a power of ten, or of two when the high bit is set.
fn ts_units_per_second(tsresol: u8) -> f64 {
    let exponent = (tsresol & 0x7f) as i32;
    if tsresol & 0x80 == 0 {
        10f64.powi(exponent)
    } else {
        2f64.powi(exponent)
    }
}
