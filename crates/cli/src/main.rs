//! `kafka-wire`: decode Kafka traffic and log files, encode Kafka JSON,
//! proxy Kafka connections, serve a fake Kafka cluster for tests.
//!
//! Exit status: 0 when everything decoded; 1 when a frame, batch or record
//! did not (each is reported); 2 for a usage error or an input that cannot
//! be read at all.

use anyhow::{anyhow, Result};
use clap::{Parser, Subcommand, ValueEnum};
use kafka_wire::log::InternalTopic;
use kafka_wire::{ApiKey, KafkaRelease};
use kafka_wire_cli::broker::{self, BrokerArgs};
use kafka_wire_cli::dump_log::{Decoder, DumpArgs};
use kafka_wire_cli::output::{Format, Printer};
use kafka_wire_cli::proxy::{ProxyEvent, ProxyOptions};
use kafka_wire_cli::{apis, decode, dump_log, encode, kit, proxy};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// The exit statuses, shown by `--help`.
const EXIT_STATUS: &str = "Exit status: 0 when everything decoded; 1 when a frame, batch or record did not \
(each is reported); 2 for a usage error or an input that cannot be read at all.";

#[derive(Parser)]
#[command(
    name = "kafka-wire",
    version,
    about = "Decode Kafka traffic and log files, encode Kafka JSON: every api, every version.",
    after_help = EXIT_STATUS
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode Kafka frames from a pcap/pcapng capture, a file of
    /// size-prefixed frames, or hex.
    ///
    /// In a capture, TCP streams are reassembled in both directions and each
    /// response is decoded with the api and version of its request (matched
    /// by connection and correlation id). Prints one JSON object per frame
    /// when writing to a pipe or file (or with --json), a line per frame on
    /// a terminal.
    #[command(after_help = EXIT_STATUS)]
    Decode {
        /// A capture or frames file; `-` or nothing for standard input.
        input: Option<PathBuf>,
        /// Kafka's port (repeatable); without it, a connection is Kafka when
        /// its first request is.
        #[arg(long = "port", value_name = "PORT")]
        ports: Vec<u16>,
        /// Decode this hex (frames with their size prefix, or one frame without).
        #[arg(long, value_name = "HEX", conflicts_with = "input")]
        hex: Option<String>,
        /// The input is hex text.
        #[arg(long)]
        hex_input: bool,
        /// Outside a capture, decode the frames as responses to API:VERSION
        /// (e.g. Metadata:12) instead of as requests.
        #[arg(long, value_name = "API:VERSION", value_parser = parse_api_version)]
        response_to: Option<(ApiKey, i16)>,
        /// Only frames of this api (name or key; repeatable).
        #[arg(long = "api", value_name = "API", value_parser = parse_api)]
        apis: Vec<ApiKey>,
        /// Only frames of connections whose `client > server` contains this text.
        #[arg(long, value_name = "TEXT")]
        connection: Option<String>,
        /// Decode the record batches in Produce, Fetch and ShareFetch too.
        #[arg(long)]
        records: bool,
        /// Put each frame's bytes (without its size prefix) in its report, in hex.
        #[arg(long)]
        frame_hex: bool,
        /// JSON lines even on a terminal.
        #[arg(long)]
        json: bool,
    },
    /// Dump log segments (*.log) and KRaft snapshots (*.checkpoint), batch
    /// by batch and record by record.
    ///
    /// The records of Kafka's internal topics are decoded, the decoder
    /// picked from the partition directory (__consumer_offsets-N, ...) or
    /// by --decoder. A last batch cut short is reported on standard error.
    #[command(after_help = EXIT_STATUS)]
    DumpLog {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// How to decode the records.
        #[arg(long, value_enum, default_value = "auto")]
        decoder: DecoderArg,
        /// Print the batches only.
        #[arg(long)]
        batches_only: bool,
        /// JSON lines, one per batch (text otherwise).
        #[arg(long)]
        json: bool,
    },
    /// Encode a message from Kafka's JSON form: its body, or the whole frame.
    Encode {
        /// The api (name or key).
        #[arg(value_parser = parse_api)]
        api: ApiKey,
        /// The version.
        version: i16,
        /// The message's JSON; `-` or nothing to read it from standard input.
        json: Option<String>,
        /// It is a response (a request otherwise).
        #[arg(long)]
        response: bool,
        /// The whole frame: size prefix, header and body.
        #[arg(long)]
        frame: bool,
        /// The frame's correlation id.
        #[arg(long, default_value_t = 1)]
        correlation_id: i32,
        /// The request frame's client id.
        #[arg(long)]
        client_id: Option<String>,
        /// Write the bytes as they are (hex otherwise).
        #[arg(long)]
        raw: bool,
    },
    /// Print random valid messages of one api and version, one vector per
    /// line (Kafka's JSON form and the bytes in hex, as in the conformance
    /// kit); or, with --kit, write the whole conformance kit.
    Gen {
        /// The api (name or key).
        #[arg(value_parser = parse_api, required_unless_present = "kit")]
        api: Option<ApiKey>,
        /// The version.
        #[arg(required_unless_present = "kit")]
        version: Option<i16>,
        /// How many messages.
        #[arg(long, default_value_t = 1)]
        count: usize,
        /// The random seed: the same seed prints the same messages.
        #[arg(long, default_value = kit::SEED_TEXT, value_parser = kit::parse_seed)]
        seed: u64,
        /// Responses (requests otherwise).
        #[arg(long)]
        response: bool,
        /// Write the conformance kit into this directory (conformance/),
        /// replacing its vector files.
        #[arg(long, value_name = "DIR", conflicts_with_all = ["api", "version", "count", "response"])]
        kit: Option<PathBuf>,
    },
    /// Check vector files (the conformance kit's, or `gen`'s output)
    /// against this library: each vector's bytes must decode at its version
    /// to its JSON and encode back to the same bytes, and its JSON must
    /// encode to the same bytes. Prints each difference; exit status 1 if
    /// there is one.
    Check {
        /// Vector files (JSON lines); a directory is read for its *.jsonl
        /// files, recursively.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Forward Kafka traffic between clients and a broker unchanged, and
    /// report every frame decoded: the same report as `decode` prints,
    /// with `reencoded` saying whether the frame encodes back to the very
    /// bytes it came as.
    ///
    /// Clients connect to the broker's advertised addresses after their
    /// first request: point a listener's advertised address at the proxy
    /// to see every connection. Runs until stopped; counts go to standard
    /// error every 1000 frames.
    Proxy {
        /// The address to listen on (port 0 picks a free one; the first
        /// line on standard error names it).
        listen: String,
        /// The broker's address.
        broker: String,
        /// JSON lines even on a terminal.
        #[arg(long)]
        json: bool,
        /// Run on tokio (a task per connection) instead of a thread per connection.
        #[arg(long = "async")]
        on_tokio: bool,
        /// Put each frame's bytes in its report, in hex.
        #[arg(long)]
        hex: bool,
    },
    /// List every api with its versions, flexible versions, and the versions
    /// each Kafka release's broker offers (from 0.8.0 on, read from each
    /// release's own jar).
    Apis {
        /// JSON lines.
        #[arg(long)]
        json: bool,
        /// One release only, e.g. 2.8.0: what its broker offers in each mode
        /// it can run in, and what its schemas define.
        #[arg(long, value_parser = parse_release)]
        release: Option<KafkaRelease>,
    },
    /// Serve a fake Kafka cluster, in memory, until stopped (Ctrl-C):
    /// a test and development broker, not for production.
    ///
    /// The first line on standard output is `bootstrap HOST:PORT[,...]`,
    /// the address a client bootstraps from, then a line per broker. It
    /// serves produce, fetch, metadata, topics, offsets, configs and SASL
    /// PLAIN, at every version (or one release's, with --release).
    Broker {
        /// Where to listen; port 0 picks free ports, another port puts
        /// the brokers on PORT, PORT+1, ...
        #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:0", value_parser = broker::parse_listen)]
        listen: (String, u16),
        /// How many brokers.
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
        brokers: u16,
        /// Speak as this Kafka release's broker, e.g. 2.8.0: advertise and
        /// accept exactly its versions.
        #[arg(long, value_name = "X.Y.Z", value_parser = parse_release)]
        release: Option<KafkaRelease>,
        /// A topic that exists from the start (repeatable).
        #[arg(long = "topic", value_name = "NAME:PARTITIONS", value_parser = broker::parse_topic)]
        topics: Vec<(String, i32)>,
        /// Create the topics a Metadata request names when they do not exist.
        #[arg(long)]
        auto_create_topics: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DecoderArg {
    /// From the file's partition directory.
    Auto,
    /// None: keys and values as they are.
    None,
    /// __consumer_offsets.
    Offsets,
    /// __transaction_state.
    Transactions,
    /// __share_group_state.
    ShareState,
    /// __cluster_metadata.
    ClusterMetadata,
    /// __remote_log_metadata.
    RemoteLogMetadata,
}

impl From<DecoderArg> for Decoder {
    fn from(arg: DecoderArg) -> Decoder {
        match arg {
            DecoderArg::Auto => Decoder::Auto,
            DecoderArg::None => Decoder::None,
            DecoderArg::Offsets => Decoder::Topic(InternalTopic::ConsumerOffsets),
            DecoderArg::Transactions => Decoder::Topic(InternalTopic::TransactionState),
            DecoderArg::ShareState => Decoder::Topic(InternalTopic::ShareGroupState),
            DecoderArg::ClusterMetadata => Decoder::Topic(InternalTopic::ClusterMetadata),
            DecoderArg::RemoteLogMetadata => Decoder::Topic(InternalTopic::RemoteLogMetadata),
        }
    }
}

fn parse_release(text: &str) -> Result<KafkaRelease, String> {
    text.parse::<KafkaRelease>().map_err(|e| e.to_string())
}

fn parse_api(text: &str) -> Result<ApiKey, String> {
    if let Ok(key) = text.parse::<i16>() {
        return ApiKey::from_key(key).ok_or_else(|| format!("no api has key {key}"));
    }
    ApiKey::ALL
        .iter()
        .copied()
        .find(|api| api.name().eq_ignore_ascii_case(text))
        .ok_or_else(|| format!("no api is called {text:?} (see `kafka-wire apis`)"))
}

fn parse_api_version(text: &str) -> Result<(ApiKey, i16), String> {
    let (api, version) = text.split_once(':').ok_or("expected API:VERSION, e.g. Metadata:12")?;
    let version: i16 = version.parse().map_err(|_| format!("{version:?} is not a version"))?;
    Ok((parse_api(api)?, version))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kafka-wire: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Decode { input, ports, hex, hex_input, response_to, apis, connection, records, frame_hex, json } => {
            let args = decode::DecodeArgs {
                input,
                hex,
                hex_input,
                ports,
                response_to,
                apis,
                connection,
                records,
                frame_hex,
                format: Format::choose(json),
            };
            let outcome = decode::run(&args)?;
            Ok(failed_if(outcome.failed > 0))
        }
        Command::DumpLog { files, decoder, batches_only, json } => {
            // Text like kafka-dump-log.sh's, wherever it goes, unless --json.
            let format = if json { Format::Json } else { Format::Summary };
            let args = DumpArgs { files, decoder: decoder.into(), batches_only, format };
            let outcome = dump_log::run(&args)?;
            Ok(failed_if(outcome.failed_files > 0))
        }
        Command::Encode { api, version, json, response, frame, correlation_id, client_id, raw } => {
            let json = match json {
                Some(json) if json != "-" => json,
                _ => {
                    let mut text = String::new();
                    std::io::stdin().read_to_string(&mut text)?;
                    text
                }
            };
            let args = encode::EncodeArgs { api, version, json, response, frame, correlation_id, client_id };
            let bytes = encode::run(&args)?;
            let mut out = std::io::stdout();
            if raw {
                if out.is_terminal() {
                    return Err(anyhow!("--raw writes bytes: redirect them to a file or a pipe"));
                }
                out.write_all(&bytes)?;
            } else {
                writeln!(out, "{}", hex::encode(bytes))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Gen { seed, kit: Some(dir), .. } => {
            kit::write_kit(&dir, seed)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Gen { api, version, count, seed, response, kit: None } => {
            let (Some(api), Some(version)) = (api, version) else { unreachable!("clap requires them") };
            let kind = if response { kit::Kind::Response(api) } else { kit::Kind::Request(api) };
            let mut out = std::io::stdout().lock();
            for vector in kit::random_vectors(kind, version, count, seed)? {
                writeln!(out, "{}", vector.to_line())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { files } => {
            let outcome = kit::check_paths(&files)?;
            let mut out = std::io::stdout().lock();
            for difference in &outcome.differences {
                writeln!(out, "{}: {}", difference.vector, difference.problem)?;
            }
            eprintln!(
                "{} vectors in {} files, {} differences",
                outcome.vectors,
                outcome.files,
                outcome.differences.len()
            );
            Ok(failed_if(!outcome.differences.is_empty()))
        }
        Command::Proxy { listen, broker, json, on_tokio, hex } => {
            proxy(&listen, broker, Format::choose(json), on_tokio, ProxyOptions { hex })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Apis { json, release } => {
            let mut out = std::io::stdout().lock();
            if json {
                for line in apis::json_lines(release) {
                    writeln!(out, "{line}")?;
                }
            } else {
                let lines = match release {
                    Some(release) => apis::lines_for(release),
                    None => apis::lines(),
                };
                for line in lines {
                    writeln!(out, "{line}")?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Broker { listen: (host, port), brokers, release, topics, auto_create_topics } => {
            let args = BrokerArgs { host, port, brokers: brokers.into(), release, topics, auto_create_topics };
            broker::run(&args, &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs the proxy and prints its events until it fails.
fn proxy(listen: &str, broker: String, format: Format, on_tokio: bool, options: ProxyOptions) -> Result<()> {
    let listener = std::net::TcpListener::bind(listen)?;
    eprintln!("proxying {} -> {broker}", listener.local_addr()?);
    let (events, received) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || -> std::io::Result<()> {
        if on_tokio {
            listener.set_nonblocking(true)?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                proxy::serve_async(listener, &broker, events, options).await
            })
        } else {
            proxy::serve(listener, &broker, events, options)
        }
    });
    let mut printer = Printer::new(format);
    let (mut frames, mut problems) = (0u64, 0u64);
    for event in received {
        match event {
            ProxyEvent::Frame(frame) => {
                frames += 1;
                problems += u64::from(!frame.round_trips());
                printer.frame(&frame.report)?;
                // Each report as it happens: someone is watching.
                printer.flush()?;
                if frames % 1000 == 0 {
                    eprintln!("{frames} frames, {problems} not decoded or not byte-identical");
                }
            }
            ProxyEvent::Closed { connection, direction, error: Some(error) } => {
                eprintln!("connection #{connection}, {}s: {error}", direction.name());
            }
            ProxyEvent::Closed { .. } => {}
        }
    }
    printer.flush()?;
    match server.join() {
        Ok(result) => Ok(result?),
        Err(_) => Err(anyhow!("the proxy stopped")),
    }
}

fn failed_if(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
