//! The consumer protocol's subscription and assignment (Kafka's
//! `ConsumerProtocolSubscription` and `ConsumerProtocolAssignment`, after
//! their INT16 version), read by a reader of its own (not Kafka's), as
//! Kafka's JSON converters write them.

use base64::Engine;
use kafka_wire::json::serde_json::{json, Map, Value};

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.0.len() < n {
            return Err(format!("{n} bytes needed, {} left", self.0.len()));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn i16(&mut self) -> Result<i16, String> {
        Ok(i16::from_be_bytes(self.take(2)?.try_into().unwrap()))
    }
    fn i32(&mut self) -> Result<i32, String> {
        Ok(i32::from_be_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn string(&mut self) -> Result<Value, String> {
        match self.i16()? {
            n if n < 0 => Ok(Value::Null),
            n => Ok(json!(std::str::from_utf8(self.take(n as usize)?).map_err(|e| e.to_string())?)),
        }
    }
    fn bytes(&mut self) -> Result<Value, String> {
        match self.i32()? {
            n if n < 0 => Ok(Value::Null),
            n => Ok(json!(base64::engine::general_purpose::STANDARD.encode(self.take(n as usize)?))),
        }
    }
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Result<Value, String>) -> Result<Value, String> {
        let n = self.i32()?;
        (0..n.max(0)).map(|_| item(self)).collect::<Result<Vec<_>, _>>().map(Value::Array)
    }
    fn partitions(&mut self) -> Result<Value, String> {
        let topic = self.string()?;
        let partitions = self.array(|r| r.i32().map(|p| json!(p)))?;
        Ok(json!({"topic": topic, "partitions": partitions}))
    }
}

pub(crate) fn read(bytes: &[u8], assignment: bool) -> Result<Value, String> {
    let mut r = Reader(bytes);
    let version = r.i16()?;
    let mut out = Map::new();
    if assignment {
        out.insert("assignedPartitions".into(), r.array(Reader::partitions)?);
        out.insert("userData".into(), r.bytes()?);
    } else {
        out.insert("topics".into(), r.array(Reader::string)?);
        out.insert("userData".into(), r.bytes()?);
        if version >= 1 {
            out.insert("ownedPartitions".into(), r.array(Reader::partitions)?);
        }
        if version >= 2 {
            out.insert("generationId".into(), json!(r.i32()?));
        }
        if version >= 3 {
            out.insert("rackId".into(), r.string()?);
        }
    }
    // A newer version may add fields at the end: Kafka reads what it knows.
    Ok(Value::Object(out))
}

/// DumpLogSegments turns a classic consumer group member's subscription
/// and assignment into JSON when they parse as the consumer protocol; we
/// keep the bytes (base64), as the schema has them. Read our bytes with
/// [`read`] (a reader of its own, not Kafka's) and put that
/// reading in their place, where DumpLogSegments made one.
pub(crate) fn read_members(ours: &mut Value, theirs: &Value) -> usize {
    let members = |v: &Value| v.pointer("/payload/data/members").and_then(Value::as_array).cloned();
    let Some(their_members) = members(theirs) else { return 0 };
    let Some(our_members) = ours.pointer_mut("/payload/data/members").and_then(Value::as_array_mut) else { return 0 };
    let mut count = 0;
    for (our, their) in our_members.iter_mut().zip(&their_members) {
        for (field, assignment) in [("subscription", false), ("assignment", true)] {
            if !their.get(field).is_some_and(Value::is_object) {
                continue;
            }
            let encoded = our[field].as_str().unwrap_or_else(|| panic!("{field} is not bytes in {our}"));
            let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
            our[field] = read(&bytes, assignment)
                .unwrap_or_else(|why| panic!("{field}: {why}: {encoded} (DumpLogSegments read {})", their[field]));
            count += 1;
        }
    }
    count
}
