use bytes::{BufMut, Bytes};

use super::writer::{put_uvarint, uvarint_size};

/// A tagged field this library does not know (a newer Kafka's, or a private
/// extension). Kept on decode and written back on encode, at its place in
/// ascending tag order, so a proxy passes it through unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawTaggedField {
    pub tag: u32,
    pub data: Bytes,
}

impl RawTaggedField {
    /// Size on the wire: tag, length and data.
    pub fn encoded_size(&self) -> usize {
        uvarint_size(self.tag) + uvarint_size(self.data.len() as u32) + self.data.len()
    }
}

/// Total size of a list of unknown tagged fields.
pub fn raw_tagged_fields_size(fields: &[RawTaggedField]) -> usize {
    fields.iter().map(RawTaggedField::encoded_size).sum()
}

/// Interleaves unknown tagged fields with the known ones while a struct's
/// tagged section is written: before each known tag, every unknown field
/// with a smaller tag is written (Kafka's `RawTaggedFieldWriter` does the same).
pub struct TaggedFieldWriter<'a> {
    unknown: &'a [RawTaggedField],
    next: usize,
}

impl<'a> TaggedFieldWriter<'a> {
    pub fn new(unknown: &'a [RawTaggedField]) -> Self {
        TaggedFieldWriter { unknown, next: 0 }
    }

    /// Writes the pending unknown fields whose tag is below `tag`.
    #[inline(always)]
    pub fn write_before<B: BufMut>(&mut self, buf: &mut B, tag: u32) {
        // Nearly always nothing is pending: keep that check inline in every
        // struct's encoder and the loop out of line.
        if self.unknown.get(self.next).is_some_and(|field| field.tag < tag) {
            self.write_pending(buf, tag);
        }
    }

    #[inline(never)]
    fn write_pending<B: BufMut>(&mut self, buf: &mut B, tag: u32) {
        while let Some(field) = self.unknown.get(self.next) {
            if field.tag >= tag {
                break;
            }
            put_raw(buf, field);
            self.next += 1;
        }
    }

    /// Writes every remaining unknown field.
    #[inline(always)]
    pub fn write_rest<B: BufMut>(&mut self, buf: &mut B) {
        if self.next < self.unknown.len() {
            self.write_remaining(buf);
        }
    }

    #[inline(never)]
    fn write_remaining<B: BufMut>(&mut self, buf: &mut B) {
        // Including a field tagged u32::MAX (never valid in Kafka, but kept).
        for field in &self.unknown[self.next..] {
            put_raw(buf, field);
        }
        self.next = self.unknown.len();
    }
}

fn put_raw<B: BufMut>(buf: &mut B, field: &RawTaggedField) {
    put_uvarint(buf, field.tag);
    put_uvarint(buf, field.data.len() as u32);
    buf.put_slice(&field.data);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_interleave_in_tag_order() {
        let unknown = vec![
            RawTaggedField { tag: 1, data: Bytes::from_static(&[0xaa]) },
            RawTaggedField { tag: 5, data: Bytes::from_static(&[0xbb, 0xcc]) },
        ];
        let mut out = Vec::new();
        let mut w = TaggedFieldWriter::new(&unknown);
        w.write_before(&mut out, 3); // writes tag 1
        out.extend_from_slice(&[3, 1, 0x33]); // known tag 3
        w.write_rest(&mut out);
        assert_eq!(out, [1, 1, 0xaa, 3, 1, 0x33, 5, 2, 0xbb, 0xcc]);
        assert_eq!(raw_tagged_fields_size(&unknown), 3 + 4);
    }
}
