//! SaslHandshake and SaslAuthenticate, with the PLAIN mechanism.
//!
//! SaslHandshake v0 is followed by bare SASL tokens (a size prefix and
//! the token, no request header); v1 by SaslAuthenticate requests.

use super::{Ctx, Outcome};
use crate::cluster::Shared;
use crate::server::Session;
use bytes::Bytes;
use kafka_wire::messages::{
    SaslAuthenticateRequest, SaslAuthenticateResponse, SaslHandshakeRequest, SaslHandshakeResponse,
};
use kafka_wire::ErrorCode;

const PLAIN: &str = "PLAIN";

pub(crate) fn handshake(ctx: &mut Ctx<'_>, request: &SaslHandshakeRequest) -> Outcome {
    let Some(_) = &ctx.shared.settings.sasl_plain else {
        // A PLAINTEXT listener: Kafka's KafkaApis answers ILLEGAL_SASL_STATE.
        return Outcome::Reply(
            SaslHandshakeResponse { error_code: ErrorCode::IllegalSaslState.code(), ..Default::default() }.into(),
        );
    };
    if ctx.session.authenticated {
        return Outcome::Reply(
            SaslHandshakeResponse { error_code: ErrorCode::IllegalSaslState.code(), ..Default::default() }.into(),
        );
    }
    let mechanisms = vec![PLAIN.into()];
    if &*request.mechanism != PLAIN {
        return Outcome::Reply(
            SaslHandshakeResponse { error_code: ErrorCode::UnsupportedSaslMechanism.code(), mechanisms }.into(),
        );
    }
    ctx.session.sasl_mechanism = Some(PLAIN.to_owned());
    ctx.session.raw_sasl_token_next = ctx.version == 0;
    Outcome::Reply(SaslHandshakeResponse { error_code: 0, mechanisms }.into())
}

pub(crate) fn authenticate(ctx: &mut Ctx<'_>, request: &SaslAuthenticateRequest) -> Outcome {
    if ctx.session.authenticated || ctx.session.sasl_mechanism.is_none() {
        return Outcome::ReplyThenClose(
            SaslAuthenticateResponse {
                error_code: ErrorCode::IllegalSaslState.code(),
                error_message: Some("Unexpected SaslAuthenticate request".into()),
                ..Default::default()
            }
            .into(),
        );
    }
    match check_plain(ctx.shared, &request.auth_bytes) {
        Some(user) => {
            ctx.session.authenticated = true;
            ctx.session.principal = Some(user);
            Outcome::Reply(SaslAuthenticateResponse::default().into())
        }
        None => Outcome::ReplyThenClose(
            SaslAuthenticateResponse {
                error_code: ErrorCode::SaslAuthenticationFailed.code(),
                error_message: Some("Authentication failed: Invalid username or password".into()),
                ..Default::default()
            }
            .into(),
        ),
    }
}

/// A bare token after SaslHandshake v0: the reply token to write, or
/// `None` to close the connection (authentication failed).
pub(crate) fn raw_token(shared: &Shared, session: &mut Session, token: &Bytes) -> Option<Bytes> {
    let user = check_plain(shared, token)?;
    session.authenticated = true;
    session.principal = Some(user);
    Some(Bytes::new())
}

/// A PLAIN token is `[authzid] NUL authcid NUL password` (RFC 4616); the
/// user it names if its password is right.
fn check_plain(shared: &Shared, token: &[u8]) -> Option<String> {
    let users = shared.settings.sasl_plain.as_ref()?;
    let mut parts = token.split(|&b| b == 0);
    let (authzid, user, password) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let user = std::str::from_utf8(user).ok()?;
    let password = std::str::from_utf8(password).ok()?;
    if !authzid.is_empty() && authzid != user.as_bytes() {
        return None;
    }
    (users.get(user).map(String::as_str) == Some(password)).then(|| user.to_owned())
}
