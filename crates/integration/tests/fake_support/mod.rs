//! What the fake-broker tests share: running a client in another process
//! with a time limit, reading what it printed, and checking it against
//! the fake broker's logs (every record once, in order per partition).

#![allow(dead_code)]

use kafka_wire_cli::frames::Direction;
use kafka_wire_cli::proxy::ProxiedFrame;
use kafka_wire_fake::FakeCluster;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// A Java program of crates/integration/java.
pub(crate) fn java_program(name: &str) -> String {
    format!("{}/java/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The classpath of Kafka's Java client of `release` with its
/// dependencies, as scripts/fetch-clients.sh leaves it
/// (`KAFKA_WIRE_CLIENTS` names the cache, `.cache/clients` by default).
pub(crate) fn client_classpath(release: &str) -> String {
    let root = std::env::var("KAFKA_WIRE_CLIENTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.cache/clients")));
    let libs = root.join(release).join("libs");
    assert!(
        libs.join(format!("kafka-clients-{release}.jar")).is_file(),
        "no kafka-clients {release} in {}: run scripts/fetch-clients.sh",
        libs.display()
    );
    format!("{}/*", libs.display())
}

/// A command run under coreutils' `timeout`: killed after `seconds` (and
/// SIGKILLed 10 s later), so a hung client fails the test instead of
/// stalling it.
pub(crate) fn limited(seconds: u64, program: &str) -> Command {
    let mut c = Command::new("timeout");
    c.args(["-k", "10", &seconds.to_string(), program]);
    c
}

/// A Java program run with Kafka's client of `release`, its warnings on stderr.
pub(crate) fn java(seconds: u64, release: &str, program: &str) -> Command {
    let mut c = limited(seconds, "java");
    c.args([
        "-Xss512k",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp",
        &client_classpath(release),
        &java_program(program),
    ]);
    c
}

/// Runs a command to its end; panics, with its output and the fake
/// broker's problems, unless it succeeded.
pub(crate) fn run(what: &str, command: &mut Command, cluster: &FakeCluster) -> String {
    let started = Instant::now();
    let output = command.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{stderr}\nthe fake broker's problems: {:#?}",
        output.status,
        distinct_problems(cluster)
    );
    println!("{what}: {:.1} s", started.elapsed().as_secs_f64());
    stdout
}

/// A client running in the background, its stdout read line by line.
pub(crate) struct Running {
    what: String,
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
    stderr: std::thread::JoinHandle<String>,
}

impl Running {
    pub(crate) fn spawn(what: &str, command: &mut Command) -> Running {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let (tx, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stderr = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
            s
        });
        Running { what: what.to_owned(), child, lines, seen: Vec::new(), stderr }
    }

    /// Waits (at most `timeout`) until the client prints a line for which `f` holds.
    pub(crate) fn wait_for(&mut self, timeout: Duration, f: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let hit = f(&line);
                    self.seen.push(line);
                    if hit {
                        return;
                    }
                }
                Err(_) => {
                    let _ = self.child.kill();
                    panic!(
                        "{}: the awaited line did not come within {timeout:?}:\n{}",
                        self.what,
                        self.seen.join("\n")
                    );
                }
            }
        }
    }

    /// Waits for the end (the command carries its own time limit); panics
    /// unless it succeeded. Returns everything it printed.
    pub(crate) fn finish(mut self, cluster: &FakeCluster) -> String {
        let status = self.child.wait().expect("wait for the client");
        self.seen.extend(self.lines.try_iter());
        // The reader thread may still hold the last lines.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        let stdout = self.seen.join("\n");
        let stderr = self.stderr.join().unwrap_or_default();
        assert!(
            status.success(),
            "{} failed ({status}):\n{stdout}\n{stderr}\nthe fake broker's problems: {:#?}",
            self.what,
            distinct_problems(cluster)
        );
        stdout
    }
}

/// One record as a client reported it: partition, offset, value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Seen {
    pub(crate) partition: i32,
    pub(crate) offset: i64,
    pub(crate) value: String,
}

/// The lines `prefix P OFFSET VALUE` (with `skip` words between the prefix
/// and P), in the order printed.
pub(crate) fn seen(output: &str, prefix: &str, skip: usize) -> Vec<Seen> {
    output
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(prefix)?.strip_prefix(' ')?;
            let mut words = rest.splitn(3 + skip, ' ').skip(skip);
            let partition = words.next()?.parse().ok()?;
            let offset = words.next()?.parse().ok()?;
            let value = words.next().unwrap_or_default().to_owned();
            Some(Seen { partition, offset, value })
        })
        .collect()
}

/// The fake broker's log of a topic: per partition, (offset, value).
pub(crate) fn logged(cluster: &FakeCluster, topic: &str) -> BTreeMap<i32, Vec<(i64, String)>> {
    let partitions = cluster.topics()[topic] as i32;
    (0..partitions)
        .map(|p| {
            let records = cluster.records(topic, p).unwrap();
            let records = records
                .into_iter()
                .map(|(offset, r)| {
                    (offset, String::from_utf8_lossy(r.value.as_deref().unwrap_or_default()).into_owned())
                })
                .collect();
            (p, records)
        })
        .collect()
}

/// Checks what a client consumed against the fake broker's log: every
/// record the log holds, once, in offset order within each partition (the
/// order the client printed them in), and nothing else; and that the log
/// holds `expected` records, whose values are all different.
pub(crate) fn check_consumed(what: &str, cluster: &FakeCluster, topic: &str, consumed: &[Seen], expected: usize) {
    let log = logged(cluster, topic);
    let total: usize = log.values().map(Vec::len).sum();
    assert_eq!(total, expected, "{what}: the fake broker holds {total} records of {topic}, expected {expected}");
    let values: BTreeSet<&String> = log.values().flatten().map(|(_, v)| v).collect();
    assert_eq!(values.len(), total, "{what}: the log holds a value twice (a duplicate produce)");
    for (partition, records) in &log {
        let got: Vec<(i64, String)> =
            consumed.iter().filter(|s| s.partition == *partition).map(|s| (s.offset, s.value.clone())).collect();
        if &got != records {
            let first = got.iter().zip(records).position(|(a, b)| a != b).unwrap_or(got.len().min(records.len()));
            panic!(
                "{what}: partition {partition}: consumed {} records, the log holds {}; they differ from index {first}: consumed {:?}, logged {:?}",
                got.len(),
                records.len(),
                got.get(first),
                records.get(first)
            );
        }
        // Within a partition, offsets are the log's own: 0, 1, 2, ...
        assert!(
            records.iter().enumerate().all(|(i, (o, _))| *o == i as i64),
            "{what}: partition {partition}: offsets with gaps"
        );
    }
    assert_eq!(consumed.len(), total, "{what}: consumed {} records of {total}", consumed.len());
}

/// Checks that a producer's acknowledged records are where the log holds
/// them, and that each producer's records (values `PREFIX-N`, sent in
/// order of N) are in order within each partition.
pub(crate) fn check_produced(what: &str, cluster: &FakeCluster, topic: &str, produced: &[Seen]) {
    let log = logged(cluster, topic);
    for s in produced {
        let at = log.get(&s.partition).and_then(|r| r.get(s.offset as usize));
        assert_eq!(
            at.map(|(o, v)| (*o, v.as_str())),
            Some((s.offset, s.value.as_str())),
            "{what}: acknowledged {s:?}, but the log holds {at:?} there"
        );
    }
    for (partition, records) in &log {
        let mut last: BTreeMap<&str, i64> = BTreeMap::new();
        for (offset, value) in records {
            let Some((prefix, n)) = value.rsplit_once('-') else { continue };
            let Ok(n) = n.parse::<i64>() else { continue };
            if let Some(before) = last.insert(prefix, n) {
                assert!(n > before, "{what}: partition {partition} offset {offset}: {value} after {prefix}-{before}");
            }
        }
    }
}

/// Checks that `group` committed every partition of `topic` at its end:
/// it read the whole log, and said so.
pub(crate) fn check_committed(what: &str, cluster: &FakeCluster, group: &str, topic: &str) {
    for partition in 0..cluster.topics()[topic] as i32 {
        let end = cluster.offsets(topic, partition).unwrap().1;
        let committed = cluster.committed_offset(group, topic, partition);
        assert_eq!(committed, Some(end), "{what}: {group}'s committed offset of {topic}-{partition}");
    }
}

/// The fake broker's problems, each once, with how often it happened.
pub(crate) fn distinct_problems(cluster: &FakeCluster) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for problem in cluster.problems() {
        *counts.entry(problem).or_default() += 1;
    }
    counts.into_iter().map(|(p, n)| format!("{n} x {p}")).collect()
}

/// Panics unless the fake broker met no problem of its own.
pub(crate) fn check_no_problems(what: &str, cluster: &FakeCluster) {
    let problems = distinct_problems(cluster);
    assert!(problems.is_empty(), "{what}: the fake broker's problems: {problems:#?}");
}

/// Asserts every frame re-encoded byte-identically and every request was
/// answered (but a connection's last ones from a Fetch on, which a client
/// that closed had stopped waiting for); returns the requests by
/// `"Api vN"`.
pub(crate) fn check_proxied(what: &str, frames: &[ProxiedFrame]) -> BTreeMap<String, usize> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut differ = Vec::new();
    let mut requests: BTreeMap<usize, Vec<(i32, String)>> = BTreeMap::new();
    let mut responses = BTreeSet::new();
    for frame in frames {
        let report = &frame.report;
        let api = report.api.map_or("?".into(), |k| k.name().to_string());
        let id = report.correlation_id.unwrap_or(-1);
        if report.direction == Direction::Request {
            *seen.entry(format!("{api} v{}", report.version.unwrap_or(-1))).or_default() += 1;
            let acks = report.message.as_ref().and_then(|m| m.get("acks")).and_then(|a| a.as_i64());
            if !(api == "Produce" && acks == Some(0)) {
                requests.entry(frame.connection).or_default().push((id, api));
            }
        } else {
            responses.insert((frame.connection, id));
        }
        if !frame.round_trips() {
            differ.push(report.to_json().to_string());
        }
    }
    println!("{what}: {} frames; requests by api and version: {seen:?}", frames.len());
    assert!(differ.is_empty(), "{what}: frames that did not re-encode byte-identically:\n{}", differ.join("\n"));
    let mut unanswered = Vec::new();
    for (connection, sent) in &requests {
        let answered = |id: &i32| responses.contains(&(*connection, *id));
        let Some(first) = sent.iter().position(|(id, _)| !answered(id)) else { continue };
        if !(sent[first].1 == "Fetch" && sent[first..].iter().all(|(id, _)| !answered(id))) {
            unanswered.push((*connection, sent[first..].to_vec()));
        }
    }
    assert!(unanswered.is_empty(), "{what}: requests without a response: {unanswered:?}");
    seen
}
