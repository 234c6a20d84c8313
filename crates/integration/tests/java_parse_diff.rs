//! Where are we stricter (or looser) than Kafka's own parser? A
//! differential run: whole request frames and response frames, valid ones
//! and mutations of them (cut short, bytes flipped, bytes appended, and
//! targeted ones: non-minimal varints, negative lengths other than -1,
//! tags of 128 and more, out of order, duplicated), and the fuzz corpora
//! when they are on disk (`fuzz/corpus/request_frame`,
//! `fuzz/corpus/response_body`), go to both Kafka's Java parser (the
//! broker's `RequestHeader.parse` + `AbstractRequest.parseRequest`, the
//! client's `AbstractResponse.parseResponse`, through java-tester, built
//! against the release that defines each version) and ours
//! (`RequestFrame::decode`, `ResponseFrame::decode`). Java's verdict is the
//! generated data classes' (the wire format); what Kafka's request and
//! response classes refuse afterwards for its content (an ACL filter with
//! UNKNOWN elements) is counted apart, as the application's job.
//!
//! Both verdicts must agree, and when both sides accept, both must have
//! read the same: the header's fields, the body (each side's reading
//! written again: Java's serialization and our encoding must be the same
//! bytes), the bytes left after the body (Java's `remaining`, our
//! `trailing`) and, for an ApiVersions response, the version read. The
//! only differences allowed are those in [`KEPT`], each for a reason given
//! there, in the directions and releases the reason covers, checked on
//! each input where the reason can be checked, and each under a ceiling;
//! a valid frame may differ in nothing, and must read back as its bytes.
//!
//! What the runs found and changed (Kafka's behaviour adopted): a negative
//! length other than -1 is a null in Kafka's readers, where we refused it;
//! so is a compact length whose varint is 2^31 or more (Kafka reads it into
//! an int); a tagged-field count from 2^31 on is refused as Kafka 4.x does
//! (3.x read it as no fields); a value
//! running past its tagged field's declared size is now reported as that
//! tag's size mismatch.
//!
//! Valid frames per message x version: `KAFKA_WIRE_DIFF_CASES` (default 2),
//! each with 12 random mutations and the targeted ones.

use bytes::{BufMut, Bytes, BytesMut};
use kafka_wire::json::serde_json::{json, Value};
use kafka_wire::random::Rng;
use kafka_wire::{ApiKey, DecodeError, DecodeErrorKind, KafkaRelease, Request, RequestFrame, Response, ResponseFrame};
use kafka_wire_integration::java_tester::{hex, JavaTester};
use std::collections::BTreeMap;

/// A disagreement kept on purpose: our verdict and Java's, where it may
/// happen, why, and what each input must show for the reason to hold.
struct Kept {
    /// "accepted" or our error kind, with " in a tagged field" when the
    /// error's path is inside one (see [`verdict`]).
    ours: &'static str,
    /// "accepted" or Java's exception class.
    java: &'static str,
    directions: &'static [&'static str],
    /// Whether the reason holds for the tester of this release.
    release: fn(KafkaRelease) -> bool,
    /// At most this share of the mutated inputs of a direction, in percent.
    ceiling_percent: f64,
    why: &'static str,
    /// Checks the reason on one input: an error says why it does not hold.
    check: fn(&Case) -> Result<(), String>,
}

const BOTH: &[&str] = &["request", "response"];

fn any_release(_: KafkaRelease) -> bool {
    true
}

/// The releases before the pinned one (3.9.1): the testers of the versions
/// only they define.
fn older_release(release: KafkaRelease) -> bool {
    release != KafkaRelease::GENERATED_FROM[0]
}

const KEPT: &[Kept] = &[
    Kept {
        ours: "InvalidUtf8",
        java: "accepted",
        directions: BOTH,
        release: any_release,
        ceiling_percent: 15.0,
        why: "Java decodes strings with replacement characters, so it accepts bytes that are not UTF-8, and \
              changes them; a StrBytes is UTF-8, and we report the field rather than change the bytes",
        check: invalid_utf8_was_replaced,
    },
    Kept {
        ours: "TaggedFieldSizeMismatch",
        java: "accepted",
        directions: BOTH,
        release: any_release,
        ceiling_percent: 1.0,
        why: "Java reads a known tagged field by its type and ignores the size its header declared, then \
              reads on out of step; we refuse a section whose sizes disagree with its values",
        check: java_rewrote_the_sizes,
    },
    Kept {
        ours: "LengthExceedsInput in a tagged field",
        java: "accepted",
        directions: BOTH,
        release: any_release,
        ceiling_percent: 1.0,
        why: "the same for a known tag whose declared size runs past the input: Java never uses the size",
        check: java_rewrote_the_sizes,
    },
    Kept {
        ours: "Invalid(a negative number of tagged fields)",
        java: "accepted",
        directions: BOTH,
        release: older_release,
        ceiling_percent: 1.0,
        why: "Kafka reads a tagged-field count into an int: 3.9.1's readers (here, for the versions only \
              3.9.1 defines) loop zero times on a negative one, 4.x's refuse it; we refuse it, as the \
              current release does",
        check: count_is_negative_as_an_int,
    },
    Kept {
        ours: "accepted",
        java: "accepted but cannot write its unknown tags back",
        directions: BOTH,
        release: any_release,
        ceiling_percent: 1.0,
        why: "Kafka's reader keeps unknown tagged fields in the order they came, and its writer refuses them \
              out of ascending order (Invalid raw tag field list); we write them back as read, so a proxy \
              forwards the bytes it was given",
        check: java_refused_tags_out_of_order,
    },
];

/// Both read the input, but Kafka's writer refuses the unknown tagged
/// fields its reader kept, when they are out of ascending order.
const UNWRITABLE_TAGS: &str = "ours accepted, Java accepted but cannot write its unknown tags back";

/// Java's writer named two unknown tags out of order ("tag A comes after
/// tag B, but is not higher than it"): its reader kept them as they came.
fn java_refused_tags_out_of_order(case: &Case) -> Result<(), String> {
    let refusal = case.answer["serializeError"].as_str().ok_or("Java wrote the body back")?;
    // Java reads a tag into an int: one of 2^31 or more is negative there.
    let numbers: Vec<i64> = refusal
        .split(|c: char| !c.is_ascii_digit() && c != '-')
        .filter_map(|n| n.trim_end_matches('-').parse().ok())
        .collect();
    match numbers[..] {
        [later, earlier, ..] if later <= earlier => Ok(()),
        _ => Err(format!("Java's refusal names no tags out of order: {refusal}")),
    }
}

/// One input of the run, with both readings.
struct Case<'a> {
    frame: &'a Bytes,
    error: Option<&'a DecodeError>,
    answer: &'a Value,
}

impl Case<'_> {
    /// The body's bytes that Java read: from the end of the header to what
    /// it left unread.
    fn body_java_read(&self) -> Result<&[u8], String> {
        let start = self.answer["bodyOffset"].as_u64().ok_or("Java gave no body offset")? as usize;
        let remaining = self.answer["remaining"].as_u64().ok_or("Java gave no remainder")? as usize;
        self.frame.get(start..self.frame.len() - remaining).ok_or_else(|| "Java's offsets are outside the frame".into())
    }

    fn java_body(&self) -> Result<String, String> {
        match self.answer["bodyHex"].as_str() {
            Some(body) => Ok(body.to_string()),
            None => Err(format!("Java could not write what it read: {}", self.answer["serializeError"])),
        }
    }
}

/// Our error is at the first byte of a string (after an INT16 or a compact
/// length) whose bytes are not UTF-8, and Java's reading has a replacement
/// character.
fn invalid_utf8_was_replaced(case: &Case) -> Result<(), String> {
    let at = case.error.ok_or("no error of ours")?.offset();
    let frame = &case.frame[..];
    let mut lengths = Vec::new();
    if at >= 2 {
        lengths.push(i16::from_be_bytes([frame[at - 2], frame[at - 1]]) as i64);
    }
    for n in 1..=3.min(at) {
        let varint = &frame[at - n..at];
        let minimal_end = varint.iter().take(n - 1).all(|b| b & 0x80 != 0) && varint[n - 1] & 0x80 == 0;
        if minimal_end {
            let value = varint.iter().rev().fold(0i64, |v, b| (v << 7) | (b & 0x7f) as i64);
            lengths.push(value - 1);
        }
    }
    let invalid = lengths.iter().any(|&len| {
        len >= 0 && at + len as usize <= frame.len() && std::str::from_utf8(&frame[at..at + len as usize]).is_err()
    });
    if !invalid {
        return Err(format!("no string at byte {at} that is not UTF-8"));
    }
    // The body's reading is asked of Java itself: its writer may refuse what
    // it read (unknown tags out of order), and the bytes it would write are
    // then unknown.
    let replaced_in_body = case.answer["readReplacementCharacter"].as_bool() == Some(true);
    let replaced_in_header = case.answer["header"]["clientId"].as_str().is_some_and(|id| id.contains('\u{fffd}'));
    if replaced_in_header || replaced_in_body {
        Ok(())
    } else {
        Err("Java's reading has no replacement character".into())
    }
}

/// The input's tagged sizes disagree with its values: Java, which reads by
/// type, writes what it read with other bytes than the input's.
///
/// Java may read an input and then be unable to write it back, because the
/// unknown tags it kept are out of order or repeated (the kept row of its
/// own): what it would write is then unknown, and the sizes cannot be
/// compared. Such an input is counted under this row all the same.
fn java_rewrote_the_sizes(case: &Case) -> Result<(), String> {
    let input = hex(case.body_java_read()?);
    match case.java_body() {
        Ok(body) if body == input => Err("Java writes back the very bytes: their sizes were consistent".into()),
        Ok(_) => Ok(()),
        Err(cannot_write) => java_refused_tags_out_of_order(case).map_err(|_| cannot_write),
    }
}

/// Our error follows a 5-byte varint of 2^31 or more.
fn count_is_negative_as_an_int(case: &Case) -> Result<(), String> {
    let at = case.error.ok_or("no error of ours")?.offset();
    let varint = case.frame.get(at.saturating_sub(5)..at).ok_or("no varint before the error")?;
    let value = varint.iter().rev().fold(0u64, |v, b| (v << 7) | (b & 0x7f) as u64);
    let five_bytes = varint.len() == 5 && varint[..4].iter().all(|b| b & 0x80 != 0) && varint[4] & 0x80 == 0;
    if five_bytes && value > i32::MAX as u64 {
        Ok(())
    } else {
        Err(format!("the varint before byte {at} is not 2^31 or more"))
    }
}

/// A zero or unreadable count is refused: it would weaken the run silently.
fn cases() -> usize {
    match std::env::var("KAFKA_WIRE_DIFF_CASES") {
        Err(_) => 2,
        Ok(text) => match text.trim().parse() {
            Ok(n) if n > 0 => n,
            _ => panic!("KAFKA_WIRE_DIFF_CASES={text:?}: give a count of at least 1"),
        },
    }
}

/// Our verdict: "accepted", or the kind of our error (its variant name).
fn verdict(error: Option<&DecodeError>) -> String {
    let Some(e) = error else { return "accepted".into() };
    let mut label = match e.kind() {
        DecodeErrorKind::Invalid(why) => format!("Invalid({why})"),
        kind => format!("{kind:?}").split(|c: char| !c.is_alphanumeric()).next().unwrap_or("?").to_string(),
    };
    // Running out of input inside a tagged field, as opposed to anywhere
    // else, is the known-tag size difference of KEPT.
    let out_of_input =
        matches!(e.kind(), DecodeErrorKind::LengthExceedsInput { .. } | DecodeErrorKind::UnexpectedEof { .. });
    if out_of_input && e.path().contains("<tag ") {
        label.push_str(" in a tagged field");
    }
    label
}

/// Where an input comes from.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Origin {
    /// A frame as we write it: nothing may differ.
    Valid,
    Cut,
    Flipped,
    Appended,
    /// A targeted mutation, by name.
    Targeted(&'static str),
    Corpus,
}

fn mutations(frame: &Bytes, rng: &mut Rng) -> Vec<(Origin, Bytes)> {
    let mut out = Vec::new();
    for _ in 0..4 {
        if frame.len() > 4 {
            out.push((Origin::Cut, frame.slice(..rng.usize(4..frame.len()))));
        }
    }
    for flips in [1, 1, 2, 3, 4] {
        let mut m = BytesMut::from(&frame[..]);
        for _ in 0..flips {
            // After the api key and version: those pick the parser.
            if m.len() > 4 {
                let at = rng.usize(4..m.len());
                m[at] = rng.u8(..);
            }
        }
        out.push((Origin::Flipped, m.freeze()));
    }
    // Both sides read the body from the front and leave these: the counts
    // they leave must agree.
    for extra in [1, 3, 8] {
        let mut m = BytesMut::from(&frame[..]);
        for _ in 0..extra {
            m.put_u8(rng.u8(..));
        }
        out.push((Origin::Appended, m.freeze()));
    }
    out
}

/// Tagged sections to put where a frame has an empty one (a single 0):
/// each is read by both sides, and must be read the same.
const TAGGED_SECTIONS: &[(&str, &[u8])] = &[
    ("non-minimal count", &[0x80, 0x00]),
    ("non-minimal count of 5 bytes", &[0x80, 0x80, 0x80, 0x80, 0x00]),
    ("tags of 128 and more", &[0x02, 0x82, 0x01, 0x00, 0xc8, 0x01, 0x01, 0xaa]),
    ("non-minimal tag and size", &[0x01, 0x96, 0x81, 0x00, 0x81, 0x80, 0x00, 0xcc]),
    ("tags out of order", &[0x02, 0xc8, 0x01, 0x01, 0xaa, 0x82, 0x01, 0x00]),
    ("small tags out of order", &[0x02, 0x05, 0x00, 0x03, 0x01, 0xdd]),
    ("duplicate tags", &[0x02, 0x96, 0x01, 0x01, 0xbb, 0x96, 0x01, 0x00]),
];

/// A tagged-field count of 2^31, negative in Kafka's int: 4.x refuses it,
/// as we do, and 3.9.1 reads no fields (a kept difference).
const NEGATIVE_COUNT: (&str, &[u8]) = ("tag count 2^31", &[0x80, 0x80, 0x80, 0x80, 0x08]);

/// Tagged sections our writer and Kafka's both write (ascending, distinct
/// tags): the only ones put at the end of a body, where Java's reading is
/// compared by writing it again.
const IN_BODY: &[&str] =
    &["non-minimal count", "non-minimal count of 5 bytes", "tags of 128 and more", "non-minimal tag and size"];

fn splice(frame: &Bytes, at: usize, len: usize, with: &[u8]) -> Bytes {
    let mut m = BytesMut::from(&frame[..at]);
    m.put_slice(with);
    m.put_slice(&frame[at + len..]);
    m.freeze()
}

/// The targeted mutations of a valid frame we wrote: in the header, whose
/// layout is known (no tagged fields of ours, the client id "diff"), and
/// at the end of a flexible body when it ends in an empty tagged section
/// (the body's own is last; when the 0 is something else, the input is
/// another mutation).
fn targeted(frame: &Bytes, header_version: i16, request: bool) -> Vec<(Origin, Bytes)> {
    let mut out = Vec::new();
    let mut header_tags = None;
    if request && header_version >= 1 {
        let len = i16::from_be_bytes([frame[8], frame[9]]);
        assert_eq!(len, 4, "the client id is \"diff\"");
        for (name, length) in [("client id length -2", [0xff, 0xfe]), ("client id length -32768", [0x80, 0x00])] {
            out.push((Origin::Targeted(name), splice(frame, 8, 2 + 4, &length)));
        }
        if header_version >= 2 {
            header_tags = Some(14);
        }
    }
    if !request && header_version >= 1 {
        header_tags = Some(4);
    }
    if let Some(at) = header_tags {
        assert_eq!(frame[at], 0, "the header has no tagged fields");
        for &(name, section) in TAGGED_SECTIONS.iter().chain([&NEGATIVE_COUNT]) {
            out.push((Origin::Targeted(name), splice(frame, at, 1, section)));
        }
    }
    let flexible = header_version >= if request { 2 } else { 1 };
    if flexible && frame.last() == Some(&0) {
        for &(name, section) in TAGGED_SECTIONS.iter().filter(|(name, _)| IN_BODY.contains(name)) {
            out.push((Origin::Targeted(name), splice(frame, frame.len() - 1, 1, section)));
        }
    }
    out
}

/// What we read: the header's fields, the body written again, what was
/// left after it, the version of the body.
struct Ours {
    correlation_id: i32,
    /// The client id, when the header has one.
    client_id: Option<Value>,
    unknown_tags: Value,
    body: Result<String, String>,
    trailing: usize,
    version: i16,
}

fn encoded(encode: impl FnOnce(&mut BytesMut) -> Result<(), kafka_wire::EncodeError>) -> Result<String, String> {
    let mut buf = BytesMut::new();
    encode(&mut buf).map(|()| hex(&buf)).map_err(|e| e.to_string())
}

fn unknown_tags(fields: &[kafka_wire::RawTaggedField]) -> Value {
    fields.iter().map(|f| json!([f.tag, hex(&f.data)])).collect()
}

fn read_request(frame: &Bytes) -> Result<Ours, DecodeError> {
    let read = RequestFrame::decode(frame)?;
    let version = read.version();
    let header_version = read.api_key().request_header_version(version);
    Ok(Ours {
        correlation_id: read.header.correlation_id,
        // Kafka's RequestHeader.parse makes a null client id empty (the
        // header's data class reads it as null, as we do).
        client_id: (header_version >= 1).then(|| read.header.client_id.as_ref().map_or("", |id| id.as_str()).into()),
        unknown_tags: unknown_tags(&read.header.unknown_tagged_fields),
        body: encoded(|buf| read.body.encode(buf, version)),
        trailing: read.trailing.len(),
        version,
    })
}

fn read_response(frame: &Bytes, api: ApiKey, version: i16) -> Result<Ours, DecodeError> {
    let read = ResponseFrame::decode(frame, api, version)?;
    Ok(Ours {
        correlation_id: read.header.correlation_id,
        client_id: None,
        unknown_tags: unknown_tags(&read.header.unknown_tagged_fields),
        body: encoded(|buf| read.body.encode(buf, read.version)),
        trailing: read.trailing.len(),
        version: read.version,
    })
}

/// Where both sides accepted: what they read differently, if anything.
fn read_differently(ours: &Ours, answer: &Value, request: bool) -> Option<String> {
    let java_remaining = answer["remaining"].as_u64().unwrap_or(u64::MAX) as usize;
    if java_remaining != ours.trailing {
        return Some(format!("bytes left after the body: ours {}, Java {java_remaining}", ours.trailing));
    }
    let header = &answer["header"];
    if header["correlationId"].as_i64() != Some(ours.correlation_id as i64) {
        return Some(format!("correlation id: ours {}, Java {}", ours.correlation_id, header["correlationId"]));
    }
    if let Some(client_id) = &ours.client_id {
        if header["clientId"] != *client_id {
            return Some(format!("client id: ours {client_id}, Java {}", header["clientId"]));
        }
    }
    if header["unknownTags"] != ours.unknown_tags {
        return Some(format!("header's unknown tags: ours {}, Java {}", ours.unknown_tags, header["unknownTags"]));
    }
    if !request && answer["version"].as_i64() != Some(ours.version as i64) {
        return Some(format!("version read: ours {}, Java {}", ours.version, answer["version"]));
    }
    let java_body = answer["bodyHex"].as_str().map(str::to_string).ok_or_else(|| answer["serializeError"].to_string());
    if let Err(refusal) = &java_body {
        if refusal.contains("Invalid raw tag field list") && ours.body.is_ok() {
            return Some(format!("{UNWRITABLE_TAGS}: {refusal}"));
        }
    }
    if java_body != ours.body {
        return Some(format!("body, written again:\n      ours: {:?}\n      Java: {java_body:?}", ours.body));
    }
    None
}

/// A category of differences: the direction, and what differed.
type Category = (&'static str, String);

#[derive(Default)]
struct Tally {
    count: usize,
    example: String,
    /// Inputs of the category that a kept reason does not cover, with why.
    not_covered: Vec<String>,
}

struct Diff {
    testers: Vec<(KafkaRelease, JavaTester)>,
    /// (direction, api) -> (inputs tried, disagreements).
    tried: BTreeMap<(&'static str, String), (usize, usize)>,
    /// (direction, origin) -> (inputs, accepted by Java, accepted by both).
    origins: BTreeMap<(&'static str, Origin), (usize, usize, usize)>,
    categories: BTreeMap<Category, Tally>,
    /// Differences on valid frames: none is allowed.
    on_valid: Vec<String>,
    /// Inputs the wire format accepted and Kafka's request or response class
    /// then refused for their content: (count, an example).
    semantic: (usize, String),
}

impl Diff {
    /// The tester of the release the version comes from: the newest that defines it.
    fn tester(&mut self, api: ApiKey, version: i16) -> (KafkaRelease, &mut JavaTester) {
        let i = self.testers.iter().position(|(r, _)| api.defined_in(*r).contains(version)).unwrap_or(0);
        let (release, tester) = &mut self.testers[i];
        (*release, tester)
    }

    fn request(&mut self, frame: &Bytes, api: ApiKey, version: i16, origin: Origin) {
        let ours = read_request(frame);
        let (release, tester) = self.tester(api, version);
        let answer = tester.ask(json!({"op": "parseRequest", "hex": hex(frame)}));
        self.record("request", api, version, release, origin, ours, &answer, frame);
    }

    fn response(&mut self, frame: &Bytes, api: ApiKey, version: i16, origin: Origin) {
        let ours = read_response(frame, api, version);
        let case = json!({"op": "parseResponse", "apiKey": api.key(), "version": version, "hex": hex(frame)});
        let (release, tester) = self.tester(api, version);
        let answer = tester.ask(case);
        self.record("response", api, version, release, origin, ours, &answer, frame);
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        direction: &'static str,
        api: ApiKey,
        version: i16,
        release: KafkaRelease,
        origin: Origin,
        ours: Result<Ours, DecodeError>,
        answer: &Value,
        frame: &Bytes,
    ) {
        if let Some(semantic) = answer["semanticError"].as_str() {
            self.semantic.0 += 1;
            if self.semantic.1.is_empty() {
                self.semantic.1 = format!("{api} v{version}: {semantic}");
            }
        }
        let accepted = answer["accepted"].as_bool().unwrap_or_else(|| panic!("java-tester answered {answer}"));
        let tried = self.tried.entry((direction, api.name().to_string())).or_default();
        tried.0 += 1;
        let by_origin = self.origins.entry((direction, origin)).or_default();
        by_origin.0 += 1;
        by_origin.1 += accepted as usize;
        by_origin.2 += (accepted && ours.is_ok()) as usize;

        let error = ours.as_ref().err();
        let java = if accepted {
            "accepted".to_string()
        } else {
            answer["error"].as_str().unwrap_or("?").split(':').next().unwrap_or("?").to_string()
        };
        let difference = match &ours {
            Ok(_) if !accepted => Some(format!("ours accepted, Java {java}")),
            Err(_) if accepted => Some(format!("ours {}, Java accepted", verdict(error))),
            Err(_) => None,
            Ok(read) => read_differently(read, answer, direction == "request")
                .map(|what| match what.split(':').next().unwrap_or("?") {
                    // A verdict of its own (a kept reason's), not a field that differs.
                    verdict if verdict == UNWRITABLE_TAGS => verdict.to_string(),
                    field => format!("{field} differs"),
                })
                .or_else(|| {
                    // A valid frame reads back as its very bytes, on both sides.
                    let body = &frame[answer["bodyOffset"].as_u64().unwrap_or(0) as usize..];
                    let exact = read.body.as_deref() == Ok(&hex(body)) && read.trailing == 0;
                    (origin == Origin::Valid && !exact).then(|| "a valid frame does not read back as its bytes".into())
                }),
        };
        let Some(difference) = difference else { return };
        tried.1 += 1;
        let detail = match &ours {
            Ok(read) => {
                let what = read_differently(read, answer, direction == "request").unwrap_or_default();
                format!("\n      {}", what.chars().take(1500).collect::<String>())
            }
            Err(e) => format!("\n      ours: {e}\n      Java: {}", answer["error"].as_str().unwrap_or("accepted")),
        };
        let shown =
            if frame.len() > 200 { format!("{}... ({} bytes)", hex(&frame[..200]), frame.len()) } else { hex(frame) };
        let example = format!("{api} v{version} ({origin:?}, {} tester): {shown}{detail}", release.version());
        if origin == Origin::Valid {
            self.on_valid.push(format!("{direction}s: {difference}; {example}"));
        }
        let category = self.categories.entry((direction, difference.clone())).or_default();
        category.count += 1;
        if category.example.is_empty() {
            category.example = example.clone();
        }
        let kept = KEPT.iter().find(|k| difference == format!("ours {}, Java {}", k.ours, k.java));
        let covered = match kept {
            None => Err("no reason kept".to_string()),
            Some(k) if !k.directions.contains(&direction) => Err(format!("not kept for {direction}s")),
            Some(k) if !(k.release)(release) => Err(format!("not kept for Kafka {}", release.version())),
            Some(k) => (k.check)(&Case { frame, error, answer }),
        };
        if let Err(why) = covered {
            if category.not_covered.len() < 3 {
                category.not_covered.push(format!("{why}: {example}"));
            } else {
                category.not_covered.push(String::new());
            }
        }
    }
}

/// The inputs of the fuzz corpus `name` (it is not in git: none when it is
/// not on disk), then those of the same name in `tests/parse_diff_found`
/// (inputs a corpus once held that the differential failed on, kept in
/// git), whose first four bytes name an api key and a valid version of it,
/// as both corpora's inputs begin: each with that api and version. Under
/// CI, whose fuzz stage runs first, the fuzz corpus must be there.
fn corpus(name: &str) -> Vec<(Bytes, ApiKey, i16)> {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let fuzz = manifest.join("../../fuzz/corpus").join(name);
    let mut inputs = match corpus_inputs(&fuzz) {
        Ok(inputs) => inputs,
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!("{}: {e} (under CI the fuzz stage leaves it)", fuzz.display())
        }
        Err(_) => Vec::new(),
    };
    let found_dir = manifest.join("tests/parse_diff_found").join(name);
    let found = corpus_inputs(&found_dir).unwrap_or_else(|e| panic!("{}: {e}", found_dir.display()));
    assert!(!found.is_empty(), "tests/parse_diff_found/{name} holds no inputs");
    inputs.extend(found);
    inputs
}

/// The inputs in `dir` that begin with an api key and a valid version of
/// it, or why the directory could not be read.
fn corpus_inputs(dir: &std::path::Path) -> std::io::Result<Vec<(Bytes, ApiKey, i16)>> {
    let entries = std::fs::read_dir(dir)?;
    let mut files = 0;
    let inputs: Vec<_> = entries
        .flatten()
        .filter_map(|e| std::fs::read(e.path()).ok())
        .inspect(|_| files += 1)
        .filter_map(|input| {
            let head = input.get(..4)?;
            let api = ApiKey::from_key(i16::from_be_bytes([head[0], head[1]]))?;
            let version = i16::from_be_bytes([head[2], head[3]]);
            api.valid_versions().contains(version).then(|| (Bytes::from(input), api, version))
        })
        .collect();
    assert!(
        files == 0 || !inputs.is_empty(),
        "{}: {files} files, none beginning with an api key and a version of it",
        dir.display()
    );
    Ok(inputs)
}

#[test]
fn our_decoders_accept_what_kafkas_java_parser_accepts() {
    let mut diff = Diff {
        testers: KafkaRelease::GENERATED_FROM.iter().map(|&r| (r, JavaTester::start_for(r))).collect(),
        tried: BTreeMap::new(),
        origins: BTreeMap::new(),
        categories: BTreeMap::new(),
        on_valid: Vec::new(),
        semantic: (0, String::new()),
    };
    let mut rng = Rng::with_seed(0xd1ff).without_unknown_tagged_fields();
    for &api in ApiKey::ALL {
        for version in api.valid_versions().iter() {
            for _ in 0..cases() {
                let client_id = (api.request_header_version(version) > 0).then_some("diff");
                let request = RequestFrame::new(Request::random(api, &mut rng, version), version, 7, client_id);
                let frame = request.to_bytes().unwrap().slice(4..);
                diff.request(&frame, api, version, Origin::Valid);
                let mut inputs = mutations(&frame, &mut rng);
                inputs.extend(targeted(&frame, api.request_header_version(version), true));
                for (origin, m) in inputs {
                    diff.request(&m, api, version, origin);
                }
                let response = ResponseFrame::new(Response::random(api, &mut rng, version), version, 7);
                let frame = response.to_bytes().unwrap().slice(4..);
                diff.response(&frame, api, version, Origin::Valid);
                let mut inputs = mutations(&frame, &mut rng);
                inputs.extend(targeted(&frame, api.response_header_version(version), false));
                for (origin, m) in inputs {
                    diff.response(&m, api, version, origin);
                }
            }
        }
    }
    let mut from_corpus = [0, 0];
    for (input, api, version) in corpus("request_frame") {
        diff.request(&input, api, version, Origin::Corpus);
        from_corpus[0] += 1;
    }
    for (input, api, version) in corpus("response_body") {
        // A response frame: a header (correlation id, and an empty tagged
        // section in flexible header versions), then the corpus body.
        let mut frame = BytesMut::new();
        frame.put_i32(7);
        if api.response_header_version(version) > 0 {
            frame.put_u8(0);
        }
        frame.put_slice(&input[4..]);
        diff.response(&frame.freeze(), api, version, Origin::Corpus);
        from_corpus[1] += 1;
    }

    let total: usize = diff.tried.values().map(|t| t.0).sum();
    println!(
        "parser differential: {total} inputs ({} request frames and {} response bodies from the fuzz corpora and tests/parse_diff_found) over {} apis",
        from_corpus[0],
        from_corpus[1],
        ApiKey::ALL.len()
    );
    println!("  direction api                                      inputs disagreements");
    for ((direction, api), (n, differing)) in &diff.tried {
        println!("  {direction:<9} {api:<40} {n:>6} {differing:>6}");
    }
    println!("  direction origin                                   inputs Java accepted both accepted");
    for ((direction, origin), (n, java, both)) in &diff.origins {
        println!("  {direction:<9} {:<40} {n:>6} {java:>13} {both:>13}", format!("{origin:?}"));
    }
    println!(
        "  not compared: {} inputs the wire format accepted and Kafka's request or response class then \
         refused for their content (the application's job, a layer above the codec); e.g. {}",
        diff.semantic.0, diff.semantic.1
    );
    let mut failures = Vec::new();
    for ((direction, difference), category) in &diff.categories {
        let mutated: usize =
            diff.origins.iter().filter(|((d, o), _)| d == direction && *o != Origin::Valid).map(|(_, n)| n.0).sum();
        let kept = KEPT.iter().find(|k| *difference == format!("ours {}, Java {}", k.ours, k.java));
        let label = match kept {
            Some(k) => format!("kept ({}; ceiling {}% of {mutated} mutated {direction}s)", k.why, k.ceiling_percent),
            None => "UNEXPLAINED".to_string(),
        };
        println!("  {label}: {} {direction}s: {difference}; e.g. {}", category.count, category.example);
        if let Some(k) = kept {
            let ceiling = (mutated as f64 * k.ceiling_percent / 100.0) as usize;
            if category.count > ceiling {
                failures.push(format!(
                    "{} {direction}s: {difference}: above the ceiling of {ceiling} ({}% of {mutated})",
                    category.count, k.ceiling_percent
                ));
            }
        }
        if !category.not_covered.is_empty() {
            let examples: Vec<_> = category.not_covered.iter().filter(|e| !e.is_empty()).cloned().collect();
            failures.push(format!(
                "{} of {} {direction}s: {difference}, not covered by a kept reason; e.g.\n    {}",
                category.not_covered.len(),
                category.count,
                examples.join("\n    ")
            ));
        }
    }
    for example in diff.on_valid.iter().take(5) {
        failures.push(format!("a valid frame differs: {example}"));
    }
    // Each targeted mutation was tried, and Kafka read each kind.
    for direction in BOTH {
        for &(name, _) in TAGGED_SECTIONS {
            let (n, java, both) = diff.origins.get(&(*direction, Origin::Targeted(name))).copied().unwrap_or_default();
            if java == 0 || both == 0 {
                failures.push(format!("{direction}s with {name}: {n} tried, {java} read by Java, {both} by both"));
            }
        }
    }
    for name in ["client id length -2", "client id length -32768"] {
        let (n, _, both) = diff.origins.get(&("request", Origin::Targeted(name))).copied().unwrap_or_default();
        if both == 0 {
            failures.push(format!("requests with {name}: {n} tried, none read by both"));
        }
    }
    // The corpora were read when they are on disk (corpus() refuses a
    // directory with no usable input, and under CI a missing one).
    assert!(failures.is_empty(), "the parsers differ from Kafka's:\n{}", failures.join("\n"));
}
