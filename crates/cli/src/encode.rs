//! `kafka-wire encode`: a message in Kafka's JSON form to its bytes.

use anyhow::{bail, Context, Result};
use bytes::BytesMut;
use kafka_wire::json::Value;
use kafka_wire::{ApiKey, RequestFrame, ResponseFrame};
use kafka_wire::{Request, Response};

pub struct EncodeArgs {
    pub api: ApiKey,
    pub version: i16,
    /// The message's JSON.
    pub json: String,
    pub response: bool,
    /// The whole frame (size, header and body), not the body alone.
    pub frame: bool,
    pub correlation_id: i32,
    pub client_id: Option<String>,
}

/// The encoded bytes.
pub fn run(args: &EncodeArgs) -> Result<Vec<u8>> {
    let (api, version) = (args.api, args.version);
    if !api.valid_versions().contains(version) {
        bail!("{} has versions {}, not {version}", api.name(), api.valid_versions());
    }
    let json: Value = kafka_wire::json::serde_json::from_str(&args.json).context("the message is not JSON")?;
    let mut out = BytesMut::new();
    if args.response {
        let body = Response::from_json(api, &json, version).context("the JSON is not that response")?;
        if args.frame {
            out.extend_from_slice(&ResponseFrame::new(body, version, args.correlation_id).to_bytes()?);
        } else {
            body.encode(&mut out, version)?;
        }
    } else {
        let body = Request::from_json(api, &json, version).context("the JSON is not that request")?;
        if args.frame {
            let frame = RequestFrame::new(body, version, args.correlation_id, args.client_id.as_deref());
            out.extend_from_slice(&frame.to_bytes()?);
        } else {
            body.encode(&mut out, version)?;
        }
    }
    Ok(out.to_vec())
}
