//! Listeners and connections: bytes in, requests to the handlers,
//! responses out. Built on kafka-wire's [`ServerConnection`], which keeps
//! the framing and the order of answers; this file owns the socket.
//!
//! A connection is served as Kafka's broker serves one: a request at a
//! time, answered in order. What Kafka answers by closing the connection
//! (a frame over the size limit, an api or version it does not accept,
//! bytes that are not a request, a request before SASL authentication)
//! closes it here too, and touches nothing else.

use crate::cluster::{LoggedRequest, Shared};
use crate::control::Action;
use crate::handlers::{self, Outcome};
use bytes::{Bytes, BytesMut};
use kafka_wire::connection::{ConnectionError, FrameReader, ServerConnection};
use kafka_wire::messages::ApiVersionsResponse;
use kafka_wire::{ApiKey, ErrorCode, RequestFrame, ResponseFrame};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// What one connection knows about its client.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) node: i32,
    pub(crate) connection: u64,
    /// Whether the client may send requests other than ApiVersions and
    /// the SASL ones (always, without SASL).
    pub(crate) authenticated: bool,
    /// The mechanism a SaslHandshake chose, awaiting its tokens.
    pub(crate) sasl_mechanism: Option<String>,
    /// SaslHandshake v0: the next frame is a bare SASL token, not a request.
    pub(crate) raw_sasl_token_next: bool,
    /// A SCRAM exchange under way.
    pub(crate) scram: Option<crate::scram::ScramServer>,
    /// The user a SASL exchange authenticated.
    pub(crate) principal: Option<String>,
    /// The client's address as Kafka shows it (`/127.0.0.1`).
    pub(crate) peer: String,
}

pub(crate) async fn accept(shared: Arc<Shared>, node: i32, listener: TcpListener) {
    loop {
        let (socket, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of file descriptors, say: wait rather than spin.
            Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = socket.set_nodelay(true);
        spawn_connection(&shared, node, socket, format!("/{}", peer.ip()));
    }
}

/// Serves one connection (a socket, or an in-memory stream) as broker
/// `node`; `peer` is the client's address as Kafka shows it (`/127.0.0.1`).
pub(crate) fn spawn_connection<S>(shared: &Arc<Shared>, node: i32, stream: S, peer: String)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let connection = shared.next_connection.fetch_add(1, Ordering::Relaxed);
    let session = Session {
        node,
        connection,
        authenticated: !shared.settings.sasl_enabled(),
        sasl_mechanism: None,
        raw_sasl_token_next: false,
        scram: None,
        principal: None,
        peer,
    };
    let task = shared.runtime.spawn(serve(Arc::clone(shared), session, stream));
    let abort = task.abort_handle();
    // A handler that panics is a bug of the fake broker: the client only
    // sees its connection close, so the test learns it from `problems()`.
    let watcher = Arc::clone(shared);
    shared.runtime.spawn(async move {
        if let Err(error) = task.await {
            if error.is_panic() {
                let panic = error.into_panic();
                let message = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("a panic");
                watcher.problem(format!("connection {connection} of broker {node} panicked: {message}"));
            }
        }
    });
    let mut connections = shared.connections.lock().unwrap_or_else(|e| e.into_inner());
    connections.retain(|c| !c.is_finished());
    connections.push(abort);
}

pub(crate) fn close_all(shared: &Shared) {
    for connection in shared.connections.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
        connection.abort();
    }
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(shared: Arc<Shared>, mut session: Session, mut socket: S) {
    let frames = FrameReader::with_max_size(shared.settings.max_request_size);
    let mut conn = ServerConnection::new();
    let mut input = BytesMut::with_capacity(64 * 1024);
    let mut output = BytesMut::new();
    loop {
        let frame = match frames.next_frame(&mut input) {
            Ok(Some(frame)) => frame,
            Ok(None) => match socket.read_buf(&mut input).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            },
            // Over the size limit: Kafka closes the connection.
            Err(_) => return,
        };
        if session.raw_sasl_token_next {
            session.raw_sasl_token_next = false;
            match handlers::sasl::raw_token(&shared, &mut session, &frame) {
                Some(reply) => {
                    if write_raw(&mut socket, &reply).await.is_err() {
                        return;
                    }
                    continue;
                }
                None => return,
            }
        }
        let outcome = match conn.decode(&frame) {
            Ok(request) => receive(&shared, &mut session, request).await,
            Err(ConnectionError::UndecodableRequest { head, .. })
                if head.api_key == ApiKey::ApiVersions && shared.persona.api_versions_max().is_some() =>
            {
                Reply::Send(unsupported_api_versions(&shared, head.correlation_id))
            }
            // Not a request we can read (an unknown api key, a version
            // this library does not know, garbage): Kafka closes.
            Err(_) => Reply::Close,
        };
        let close_after = match outcome {
            Reply::Send(response) => send(&shared, &mut conn, &response, &mut output, false),
            Reply::SendThenClose(response) => send(&shared, &mut conn, &response, &mut output, true),
            Reply::Nothing => false,
            Reply::Close => true,
        };
        if !output.is_empty() && socket.write_all(&output).await.is_err() {
            return;
        }
        output.clear();
        if close_after {
            let _ = socket.shutdown().await;
            return;
        }
    }
}

/// What to write for one request.
enum Reply {
    Send(ResponseFrame),
    SendThenClose(ResponseFrame),
    Nothing,
    Close,
}

/// Encodes a response; returns whether the connection must close
/// (it could not be encoded, which is a bug of ours: recorded).
fn send(
    shared: &Shared,
    conn: &mut ServerConnection,
    response: &ResponseFrame,
    output: &mut BytesMut,
    close: bool,
) -> bool {
    match conn.send(response, output) {
        Ok(()) => close,
        Err(error) => {
            shared.problem(format!(
                "cannot encode the {} v{} response: {error}",
                response.api_key().name(),
                response.version
            ));
            output.clear();
            true
        }
    }
}

async fn write_raw<S: AsyncWrite + Unpin>(socket: &mut S, payload: &Bytes) -> std::io::Result<()> {
    socket.write_all(&(payload.len() as i32).to_be_bytes()).await?;
    socket.write_all(payload).await
}

async fn receive(shared: &Shared, session: &mut Session, request: RequestFrame) -> Reply {
    let api = request.api_key();
    let version = request.version();
    if shared.settings.log_requests {
        shared.requests.lock().unwrap_or_else(|e| e.into_inner()).push(LoggedRequest {
            node: session.node,
            connection: session.connection,
            frame: request.clone(),
        });
    }
    if !shared.persona.accepts(api, version) {
        // Brokers before 0.10 know no ApiVersions at all: they close too.
        return if api == ApiKey::ApiVersions && shared.persona.api_versions_max().is_some() {
            Reply::Send(unsupported_api_versions(shared, request.correlation_id()))
        } else {
            Reply::Close
        };
    }
    if !session.authenticated && !matches!(api, ApiKey::ApiVersions | ApiKey::SaslHandshake | ApiKey::SaslAuthenticate)
    {
        return Reply::Close;
    }
    let actions = shared.hooks.lock().unwrap_or_else(|e| e.into_inner()).take(api, session.node);
    let mut close_after = false;
    for action in actions {
        match action {
            Action::Observe(f) => f(&request),
            Action::Delay(delay) => tokio::time::sleep(delay).await,
            Action::CloseConnection => return Reply::Close,
            Action::ApplyThenClose => close_after = true,
            Action::Respond(response) => return reply(&request, Outcome::Reply(*response)),
            Action::RespondWith(f) => return reply(&request, Outcome::Reply(f(&request))),
            Action::Error(code) => match handlers::error_response(&request, code) {
                Some(response) => return reply(&request, Outcome::Reply(response)),
                None => return Reply::Close,
            },
        }
    }
    let outcome = handlers::handle(shared, session, &request).await;
    if close_after {
        return Reply::Close;
    }
    reply(&request, outcome)
}

fn reply(request: &RequestFrame, outcome: Outcome) -> Reply {
    match outcome {
        // A Produce with acks=0 expects no answer: a hook's response is not sent.
        Outcome::Reply(_) | Outcome::ReplyThenClose(_) if !request.expects_response() => Reply::Nothing,
        Outcome::Reply(body) => Reply::Send(request.reply(body)),
        Outcome::ReplyThenClose(body) => Reply::SendThenClose(request.reply(body)),
        Outcome::NoReply => Reply::Nothing,
        Outcome::Close => Reply::Close,
    }
}

/// Kafka's answer to an ApiVersions request of a version it does not
/// know: a v0 body with UNSUPPORTED_VERSION and the versions it does
/// support, so the client can ask again (KIP-511).
fn unsupported_api_versions(shared: &Shared, correlation_id: i32) -> ResponseFrame {
    let body = ApiVersionsResponse {
        error_code: ErrorCode::UnsupportedVersion.code(),
        api_keys: shared.persona.api_versions(),
        ..Default::default()
    };
    ResponseFrame::new(body, 0, correlation_id)
}
