//! Where are we stricter (or looser) than Kafka's own parser? A
//! differential run: whole request frames and response frames, valid ones
//! and mutations of them (cut short, bytes flipped, bytes appended), and the
//! fuzz corpora when they are on disk (`fuzz/corpus/request_frame`,
//! `fuzz/corpus/response_body`), go to both Kafka's Java parser (the
//! broker's `RequestHeader.parse` + `AbstractRequest.parseRequest`, the
//! client's `AbstractResponse.parseResponse`, through java-tester, built
//! against the release that defines each version) and ours
//! (`RequestFrame::decode`, `ResponseFrame::decode`). Java's verdict is the
//! generated data classes' (the wire format); what Kafka's request and
//! response classes refuse afterwards for its content (an ACL filter with
//! UNKNOWN elements) is counted apart, as the application's job.
//! Accept/reject must agree, except for the differences listed in [`KEPT`],
//! each kept on purpose for the reason given there.
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
//! each with 12 mutations.

use bytes::{BufMut, Bytes, BytesMut};
use kafka_wire::json::serde_json::json;
use kafka_wire::random::Rng;
use kafka_wire::{ApiKey, KafkaRelease, Request, RequestFrame, Response, ResponseFrame};
use kafka_wire_integration::java_tester::{hex, JavaTester};
use std::collections::BTreeMap;

/// Disagreements kept on purpose: (our verdict, Java's verdict), and why.
/// Our verdict is "accepted" or our error kind, with " in a tagged field"
/// when the error's path is inside one; Java's is "accepted" or its
/// exception class.
const KEPT: &[(&str, &str, &str)] = &[
    (
        "InvalidUtf8",
        "accepted",
        "Java decodes strings with replacement characters, so it accepts bytes that are not UTF-8, and \
         changes them; a StrBytes is UTF-8, and we report the field rather than change the bytes",
    ),
    (
        "TaggedFieldSizeMismatch",
        "accepted",
        "Java reads a known tagged field by its type and ignores the size its header declared, then \
         reads on out of step; we refuse a section whose sizes disagree with its values",
    ),
    (
        "LengthExceedsInput in a tagged field",
        "accepted",
        "the same for a known tag whose declared size runs past the input: Java never uses the size",
    ),
    (
        "Invalid(a negative number of tagged fields)",
        "accepted",
        "Kafka reads a tagged-field count into an int: 3.9.1's readers (here, for the versions only \
         3.9.1 defines) loop zero times on a negative one, 4.x's refuse it; we refuse it, as the \
         current release does",
    ),
];

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

/// Our verdict: "accepted", or the kind of our error (its variant name),
/// and the error in full.
fn verdict(result: Result<(), kafka_wire::DecodeError>) -> (String, String) {
    match result {
        Ok(()) => ("accepted".into(), String::new()),
        Err(e) => {
            let mut label = match e.kind() {
                kafka_wire::DecodeErrorKind::Invalid(why) => format!("Invalid({why})"),
                kind => format!("{kind:?}").split(|c: char| !c.is_alphanumeric()).next().unwrap_or("?").to_string(),
            };
            // Running out of input inside a tagged field, as opposed to
            // anywhere else, is the known-tag size difference below.
            let out_of_input = matches!(
                e.kind(),
                kafka_wire::DecodeErrorKind::LengthExceedsInput { .. }
                    | kafka_wire::DecodeErrorKind::UnexpectedEof { .. }
            );
            if out_of_input && e.path().contains("<tag ") {
                label.push_str(" in a tagged field");
            }
            (label, e.to_string())
        }
    }
}

fn mutations(frame: &Bytes, rng: &mut Rng) -> Vec<Bytes> {
    let mut out = Vec::new();
    for _ in 0..4 {
        if frame.len() > 4 {
            out.push(frame.slice(..rng.usize(4..frame.len())));
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
        out.push(m.freeze());
    }
    for extra in [1, 3, 8] {
        let mut m = BytesMut::from(&frame[..]);
        for _ in 0..extra {
            m.put_u8(rng.u8(..));
        }
        out.push(m.freeze());
    }
    out
}

struct Diff {
    testers: Vec<(KafkaRelease, JavaTester)>,
    /// (direction, api) -> (inputs tried, disagreements).
    tried: BTreeMap<(&'static str, String), (usize, usize)>,
    /// (direction, ours, java) -> (count, an example).
    disagreements: BTreeMap<(&'static str, String, String), (usize, String)>,
    /// Inputs the wire format accepted and Kafka's request or response class
    /// then refused for their content: (count, an example).
    semantic: (usize, String),
}

impl Diff {
    /// The tester of the release the version comes from: the newest that defines it.
    fn tester(&mut self, api: ApiKey, version: i16) -> &mut JavaTester {
        let i = self.testers.iter().position(|(r, _)| api.defined_in(*r).contains(version)).unwrap_or(0);
        &mut self.testers[i].1
    }

    fn request(&mut self, frame: &Bytes, api: ApiKey, version: i16) {
        let ours = verdict(RequestFrame::decode(frame).map(|_| ()));
        let answer = self.tester(api, version).ask(json!({"op": "parseRequest", "hex": hex(frame)}));
        self.record("request", api, version, ours, &answer, frame);
    }

    fn response(&mut self, frame: &Bytes, api: ApiKey, version: i16) {
        let ours = verdict(ResponseFrame::decode(frame, api, version).map(|_| ()));
        let case = json!({"op": "parseResponse", "apiKey": api.key(), "version": version, "hex": hex(frame)});
        let answer = self.tester(api, version).ask(case);
        self.record("response", api, version, ours, &answer, frame);
    }

    fn record(
        &mut self,
        direction: &'static str,
        api: ApiKey,
        version: i16,
        (ours, our_error): (String, String),
        answer: &kafka_wire::json::serde_json::Value,
        frame: &Bytes,
    ) {
        if let Some(semantic) = answer["semanticError"].as_str() {
            self.semantic.0 += 1;
            if self.semantic.1.is_empty() {
                self.semantic.1 = format!("{api} v{version}: {semantic}");
            }
        }
        let tried = self.tried.entry((direction, api.name().to_string())).or_default();
        tried.0 += 1;
        let accepted = answer["accepted"].as_bool().unwrap_or_else(|| panic!("java-tester answered {answer}"));
        if accepted == (ours == "accepted") {
            return;
        }
        tried.1 += 1;
        let java = if accepted {
            "accepted".to_string()
        } else {
            let error = answer["error"].as_str().unwrap_or("?");
            error.split(':').next().unwrap_or("?").to_string()
        };
        let entry = self.disagreements.entry((direction, ours, java)).or_insert((0, String::new()));
        entry.0 += 1;
        if entry.1.is_empty() {
            let java = answer["error"].as_str().unwrap_or("accepted");
            entry.1 = format!("{api} v{version}: {}\n      ours: {our_error}\n      Java: {java}", hex(frame));
        }
    }
}

/// The inputs of the fuzz corpus `name` (it is not in git: none when it is
/// not on disk) whose first four bytes name an api key and a valid version
/// of it, as both corpora's inputs begin: each with that api and version.
fn corpus(name: &str) -> Vec<(Bytes, ApiKey, i16)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(name);
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|input| {
            let head = input.get(..4)?;
            let api = ApiKey::from_key(i16::from_be_bytes([head[0], head[1]]))?;
            let version = i16::from_be_bytes([head[2], head[3]]);
            api.valid_versions().contains(version).then(|| (Bytes::from(input), api, version))
        })
        .collect()
}

#[test]
fn our_decoders_accept_what_kafkas_java_parser_accepts() {
    let mut diff = Diff {
        testers: KafkaRelease::GENERATED_FROM.iter().map(|&r| (r, JavaTester::start_for(r))).collect(),
        tried: BTreeMap::new(),
        disagreements: BTreeMap::new(),
        semantic: (0, String::new()),
    };
    let mut rng = Rng::with_seed(0xd1ff).without_unknown_tagged_fields();
    for &api in ApiKey::ALL {
        for version in api.valid_versions().iter() {
            for _ in 0..cases() {
                let client_id = (api.request_header_version(version) > 0).then_some("diff");
                let request = RequestFrame::new(Request::random(api, &mut rng, version), version, 7, client_id);
                let frame = request.to_bytes().unwrap().slice(4..);
                diff.request(&frame, api, version);
                for m in mutations(&frame, &mut rng) {
                    diff.request(&m, api, version);
                }
                let response = ResponseFrame::new(Response::random(api, &mut rng, version), version, 7);
                let frame = response.to_bytes().unwrap().slice(4..);
                diff.response(&frame, api, version);
                for m in mutations(&frame, &mut rng) {
                    diff.response(&m, api, version);
                }
            }
        }
    }
    let mut from_corpus = 0;
    for (input, api, version) in corpus("request_frame") {
        diff.request(&input, api, version);
        from_corpus += 1;
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
        diff.response(&frame.freeze(), api, version);
        from_corpus += 1;
    }

    let total: usize = diff.tried.values().map(|t| t.0).sum();
    println!(
        "parser differential: {total} inputs ({from_corpus} from the fuzz corpora) over {} apis",
        ApiKey::ALL.len()
    );
    println!("  direction api                                      inputs disagreements");
    for ((direction, api), (n, differing)) in &diff.tried {
        println!("  {direction:<9} {api:<40} {n:>6} {differing:>6}");
    }
    println!(
        "  not compared: {} inputs the wire format accepted and Kafka's request or response class then \
         refused for their content (the application's job, a layer above the codec); e.g. {}",
        diff.semantic.0, diff.semantic.1
    );
    let mut unexplained = Vec::new();
    for ((direction, ours, java), (count, example)) in &diff.disagreements {
        let kept = KEPT.iter().find(|(o, j, _)| o == ours && j == java);
        let label = if kept.is_some() { "kept" } else { "UNEXPLAINED" };
        println!("  {label}: {count} {direction}s: ours {ours}, Java {java}; e.g. {example}");
        if kept.is_none() {
            unexplained.push(format!("{count} {direction}s: ours {ours}, Java {java}; e.g. {example}"));
        }
    }
    assert!(unexplained.is_empty(), "accept/reject differs from Kafka's parser:\n{}", unexplained.join("\n"));
}
