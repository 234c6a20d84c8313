//! The java-tester process (java-tester/: Kafka's own Java classes as the
//! oracle), spoken to in JSON lines. scripts/test.sh builds it once per
//! Kafka release and sets `KAFKA_WIRE_JAVA_TESTER_CP_<release>` (dots as
//! underscores, e.g. `KAFKA_WIRE_JAVA_TESTER_CP_3_9_1`) to each classpath;
//! `KAFKA_WIRE_JAVA_TESTER_CP` is the pinned release's.

use kafka_wire::json::serde_json::{self, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

pub struct JavaTester {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl JavaTester {
    /// The tester built against the pinned Kafka release.
    pub fn start() -> JavaTester {
        Self::start_for(kafka_wire::KafkaRelease::GENERATED_FROM[0])
    }

    /// The tester built against `release`.
    pub fn start_for(release: kafka_wire::KafkaRelease) -> JavaTester {
        let var = format!("KAFKA_WIRE_JAVA_TESTER_CP_{}", release.version().replace('.', "_"));
        let pinned = release == kafka_wire::KafkaRelease::GENERATED_FROM[0];
        let classpath = std::env::var(&var)
            .or_else(|e| if pinned { std::env::var("KAFKA_WIRE_JAVA_TESTER_CP") } else { Err(e) })
            .unwrap_or_else(|_| panic!("{var} is not set: run the tests through scripts/test.sh"));
        let mut child = Command::new("java")
            .args(["-cp", &classpath, "io.kafkawire.tester.JavaTester"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start java-tester");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut ready = String::new();
        stdout.read_line(&mut ready).unwrap();
        assert!(ready.contains("ready"), "java-tester said {ready:?}");
        JavaTester { child, stdin, stdout, next_id: 1 }
    }

    /// Sends one case (an object; an "id" is added) and returns the answer.
    pub fn ask(&mut self, mut case: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        case["id"] = Value::from(id);
        writeln!(self.stdin, "{case}").unwrap();
        self.stdin.flush().unwrap();
        let mut answer = String::new();
        self.stdout.read_line(&mut answer).unwrap();
        let answer: Value = serde_json::from_str(&answer).expect("java-tester answers JSON");
        assert_eq!(answer["id"], id, "java-tester answered out of order");
        answer
    }
}

impl Drop for JavaTester {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn from_hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex")).collect()
}
