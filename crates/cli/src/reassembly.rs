//! Putting one direction of a TCP connection back in order: segments by
//! sequence number, retransmissions and overlaps dropped, out-of-order
//! segments held until the gap before them fills.

use std::collections::BTreeMap;

/// How many bytes may wait behind a gap before the gap is declared lost
/// (a capture that dropped packets): enough for any reordering a capture
/// on one host shows.
const MAX_PENDING: usize = 64 << 20;

/// One direction of a TCP connection.
#[derive(Debug, Default)]
pub struct HalfStream {
    /// The sequence number of the next byte in order, once known.
    next: Option<u32>,
    /// Bytes delivered in order so far.
    delivered: u64,
    /// Segments ahead of `next`, by their stream position.
    pending: BTreeMap<u64, Vec<u8>>,
    pending_bytes: usize,
    /// Whether the stream's start (its SYN) was seen.
    pub saw_start: bool,
}

/// What a segment gave: bytes in order, and bytes found missing.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    pub data: Vec<u8>,
    /// Bytes lost before `data` (a gap given up on), at this stream position.
    pub lost: Option<(u64, u64)>,
}

impl HalfStream {
    /// Takes a segment: its sequence number, whether it is a SYN, and its payload.
    pub fn push(&mut self, sequence: u32, syn: bool, payload: &[u8]) -> Delivery {
        if syn {
            // The SYN takes one sequence number; data starts after it.
            self.next = Some(sequence.wrapping_add(1));
            self.saw_start = true;
            if payload.is_empty() {
                return Delivery::default();
            }
        }
        if payload.is_empty() {
            // An ACK, or a FIN (which takes a sequence number but no data).
            return Delivery::default();
        }
        let next = *self.next.get_or_insert(sequence);
        let data_start = if syn { sequence.wrapping_add(1) } else { sequence };
        // Where the segment starts relative to the next byte expected:
        // negative for a retransmission or an overlap.
        let ahead = data_start.wrapping_sub(next) as i32 as i64;
        let position = self.delivered as i64 + ahead;
        if position + (payload.len() as i64) <= self.delivered as i64 {
            return Delivery::default(); // all of it was delivered already
        }
        let skip = (self.delivered as i64 - position).max(0) as usize;
        let position = position.max(self.delivered as i64) as u64;
        let payload = &payload[skip..];
        let mut delivery = Delivery::default();
        if position == self.delivered {
            delivery.data.extend_from_slice(payload);
            self.advance(payload.len());
        } else if !self.pending.contains_key(&position) || self.pending[&position].len() < payload.len() {
            self.pending_bytes += payload.len();
            if let Some(old) = self.pending.insert(position, payload.to_vec()) {
                self.pending_bytes -= old.len();
            }
        }
        self.drain_pending(&mut delivery);
        if self.pending_bytes > MAX_PENDING {
            delivery.lost = self.skip_gap(&mut delivery);
        }
        delivery
    }

    /// Gives up on the gap before the first pending segment: what the
    /// capture missed. Returns where, and how many bytes.
    pub fn skip_gap(&mut self, delivery: &mut Delivery) -> Option<(u64, u64)> {
        let (&first, _) = self.pending.iter().next()?;
        let lost = (self.delivered, first - self.delivered);
        let skipped = first - self.delivered;
        self.delivered = first;
        self.next = self.next.map(|n| n.wrapping_add(skipped as u32));
        self.drain_pending(delivery);
        Some(lost)
    }

    /// Whether bytes wait behind a gap.
    pub fn has_gap(&self) -> bool {
        !self.pending.is_empty()
    }

    fn advance(&mut self, bytes: usize) {
        self.delivered += bytes as u64;
        self.next = self.next.map(|n| n.wrapping_add(bytes as u32));
    }

    /// Delivers the pending segments that are now in order.
    fn drain_pending(&mut self, delivery: &mut Delivery) {
        while let Some((&position, _)) = self.pending.iter().next() {
            if position > self.delivered {
                break;
            }
            let segment = self.pending.remove(&position).unwrap();
            self.pending_bytes -= segment.len();
            let skip = (self.delivered - position) as usize;
            if skip < segment.len() {
                delivery.data.extend_from_slice(&segment[skip..]);
                self.advance(segment.len() - skip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(d: Delivery) -> Vec<u8> {
        d.data
    }

    #[test]
    fn in_order_segments_after_a_syn() {
        let mut s = HalfStream::default();
        assert!(data(s.push(u32::MAX - 1, true, b"")).is_empty());
        // The sequence numbers wrap around 2^32.
        assert_eq!(data(s.push(u32::MAX, false, b"ab")), b"ab");
        assert_eq!(data(s.push(1, false, b"cd")), b"cd");
        assert!(s.saw_start);
    }

    #[test]
    fn out_of_order_retransmitted_and_overlapping_segments() {
        let mut s = HalfStream::default();
        s.push(100, true, b"");
        assert!(data(s.push(104, false, b"defg")).is_empty(), "held behind the gap");
        assert!(s.has_gap());
        assert_eq!(data(s.push(101, false, b"abc")), b"abcdefg");
        assert!(!s.has_gap());

        let mut s = HalfStream::default();
        s.push(0, true, b"");
        assert_eq!(data(s.push(1, false, b"abcd")), b"abcd");
        assert!(data(s.push(1, false, b"abcd")).is_empty(), "a retransmission");
        assert_eq!(data(s.push(3, false, b"cdef")), b"ef", "an overlap");
        assert_eq!(data(s.push(9, false, b"ij")), b"");
        assert_eq!(data(s.push(7, false, b"gh")), b"ghij");
        assert!(!s.has_gap());
    }

    #[test]
    fn acks_and_fins_after_the_data_leave_no_gap() {
        let mut s = HalfStream::default();
        s.push(0, true, b"");
        assert_eq!(data(s.push(1, false, b"ab")), b"ab");
        assert!(data(s.push(4, false, b"")).is_empty(), "an ACK after the FIN, one past the data");
        assert!(!s.has_gap());
    }

    #[test]
    fn a_gap_given_up_on_is_reported() {
        let mut s = HalfStream::default();
        s.push(0, true, b"");
        s.push(1, false, b"ab");
        s.push(10, false, b"xyz");
        let mut delivery = Delivery::default();
        assert_eq!(s.skip_gap(&mut delivery), Some((2, 7)));
        assert_eq!(delivery.data, b"xyz");
    }

    #[test]
    fn a_stream_joined_midway_starts_at_its_first_segment() {
        let mut s = HalfStream::default();
        assert_eq!(data(s.push(5000, false, b"mid")), b"mid");
        assert!(!s.saw_start);
    }
}
