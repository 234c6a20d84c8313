//! Where reports go: one JSON object per line for a pipe or a file, or a
//! readable line per frame on a terminal; and the progress bar.

use crate::frames::{FrameReport, Reencoded};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{self, IsTerminal, Write};

/// Inputs smaller than this get no progress bar: they are done at once.
const PROGRESS_THRESHOLD: u64 = 16 << 20;

/// How frames are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Summary,
}

impl Format {
    /// JSON when asked for, or when standard output is not a terminal.
    pub fn choose(json: bool) -> Format {
        if json || !io::stdout().is_terminal() {
            Format::Json
        } else {
            Format::Summary
        }
    }
}

/// Prints frame reports to standard output.
pub struct Printer {
    format: Format,
    out: io::BufWriter<io::Stdout>,
}

impl Printer {
    pub fn new(format: Format) -> Printer {
        Printer { format, out: io::BufWriter::new(io::stdout()) }
    }

    pub fn frame(&mut self, report: &FrameReport) -> io::Result<()> {
        match self.format {
            Format::Json => writeln!(self.out, "{}", report.to_json()),
            Format::Summary => writeln!(self.out, "{}", summary(report)),
        }
    }

    /// Prints a line as it is (dump-log's own lines).
    pub fn line(&mut self, line: &str) -> io::Result<()> {
        writeln!(self.out, "{line}")
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A frame on one line: time, connection, direction, api, version,
/// correlation id, size and client id, or what went wrong.
pub fn summary(report: &FrameReport) -> String {
    let mut line = String::new();
    if let Some(time) = report.time {
        line.push_str(&clock(time));
        line.push(' ');
    }
    line.push_str(&format!("{} {:<8}", report.connection, report.direction.name()));
    if let Some(api) = report.api {
        line.push_str(&format!(" {}", api.name()));
    }
    if let Some(version) = report.version {
        line.push_str(&format!(" v{version}"));
    }
    if let Some(id) = report.correlation_id {
        line.push_str(&format!(" #{id}"));
    }
    line.push_str(&format!(" {} B", report.size));
    if let Some(client_id) = &report.client_id {
        line.push_str(&format!(" client {client_id:?}"));
    }
    if let Some(note) = &report.note {
        line.push_str(&format!(" ({note})"));
    }
    if let Some(guess) = &report.broker_releases {
        line.push_str(&format!(" broker: {}", guess.describe()));
    }
    if let Some(error) = &report.error {
        line.push_str(&format!(" ERROR at {}: {error}", report.position));
    }
    if let Some(Reencoded::Differs { at, ours, theirs }) = &report.reencoded {
        line.push_str(&format!(" RE-ENCODES DIFFERENTLY from byte {at}: ours {ours}, theirs {theirs}"));
    }
    if let Some(Reencoded::Failed(why)) = &report.reencoded {
        line.push_str(&format!(" DOES NOT RE-ENCODE: {why}"));
    }
    line
}

/// The time of day (UTC) of a Unix time, to the microsecond.
fn clock(time: f64) -> String {
    let micros = (time * 1e6).round() as i64;
    let day = micros.rem_euclid(86_400_000_000);
    let (h, m) = (day / 3_600_000_000, day / 60_000_000 % 60);
    let (s, us) = (day / 1_000_000 % 60, day % 1_000_000);
    format!("{h:02}:{m:02}:{s:02}.{us:06}")
}

/// A progress bar on standard error for an input of `total` bytes, when
/// standard error is a terminal and the input is large; hidden otherwise.
pub fn progress(total: Option<u64>) -> ProgressBar {
    match total {
        Some(total) if total >= PROGRESS_THRESHOLD && io::stderr().is_terminal() => {
            let bar = ProgressBar::new(total);
            let style = ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        }
        _ => ProgressBar::hidden(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_is_utc_to_the_microsecond() {
        assert_eq!(clock(1_796_046_652.108_123), "13:50:52.108123");
        assert_eq!(clock(0.0), "00:00:00.000000");
    }
}
