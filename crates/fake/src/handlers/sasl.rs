//! SaslHandshake and SaslAuthenticate, with the PLAIN and SCRAM
//! mechanisms, and the SCRAM credential apis.
//!
//! SaslHandshake v0 is followed by bare SASL tokens (a size prefix and
//! the token, no request header); v1 by SaslAuthenticate requests.

use super::{Ctx, Outcome};
use crate::cluster::Shared;
use crate::scram::{ScramCredential, ScramMechanism, ScramServer, MAX_ITERATIONS, MIN_ITERATIONS};
use crate::server::Session;
use bytes::Bytes;
use kafka_wire::messages::*;
use kafka_wire::{ErrorCode, StrBytes};
use std::collections::BTreeMap;

const PLAIN: &str = "PLAIN";

/// The mechanisms enabled, as SaslHandshake lists them.
fn mechanisms(shared: &Shared) -> Vec<StrBytes> {
    let plain = shared.settings.sasl_plain.as_ref().map(|_| PLAIN);
    plain.into_iter().chain(shared.settings.sasl_scram.iter().map(|m| m.name())).map(StrBytes::from).collect()
}

pub(crate) fn handshake(ctx: &mut Ctx<'_>, request: &SaslHandshakeRequest) -> Outcome {
    if !ctx.shared.settings.sasl_enabled() || ctx.session.authenticated {
        // A PLAINTEXT listener, or a second handshake: Kafka's KafkaApis
        // answers ILLEGAL_SASL_STATE.
        return Outcome::Reply(
            SaslHandshakeResponse { error_code: ErrorCode::IllegalSaslState.code(), ..Default::default() }.into(),
        );
    }
    let mechanisms = mechanisms(ctx.shared);
    if !mechanisms.iter().any(|m| **m == *request.mechanism) {
        return Outcome::Reply(
            SaslHandshakeResponse { error_code: ErrorCode::UnsupportedSaslMechanism.code(), mechanisms }.into(),
        );
    }
    ctx.session.sasl_mechanism = Some(request.mechanism.to_string());
    ctx.session.scram = ScramMechanism::from_name(&request.mechanism).map(ScramServer::new);
    ctx.session.raw_sasl_token_next = ctx.version == 0;
    Outcome::Reply(SaslHandshakeResponse { error_code: 0, mechanisms }.into())
}

/// What one token of an exchange gave.
enum Step {
    /// Authenticated; the last token to send.
    Done(Bytes),
    /// The token to send; more are to come.
    Continue(Bytes),
    /// Failed, with Kafka's message.
    Failed(String),
}

fn step(shared: &Shared, session: &mut Session, token: &[u8]) -> Step {
    if let Some(scram) = &mut session.scram {
        let result = scram.step(token, &shared.scram_credentials());
        return match result {
            Ok((reply, Some(user))) => {
                session.scram = None;
                session.authenticated = true;
                session.principal = Some(user);
                Step::Done(reply.into())
            }
            Ok((reply, None)) => Step::Continue(reply.into()),
            Err(failure) => {
                session.scram = None;
                Step::Failed(failure.0)
            }
        };
    }
    match check_plain(shared, token) {
        Some(user) => {
            session.authenticated = true;
            session.principal = Some(user);
            Step::Done(Bytes::new())
        }
        None => Step::Failed("Authentication failed: Invalid username or password".into()),
    }
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
    match step(ctx.shared, ctx.session, &request.auth_bytes) {
        Step::Done(auth_bytes) | Step::Continue(auth_bytes) => {
            Outcome::Reply(SaslAuthenticateResponse { auth_bytes, ..Default::default() }.into())
        }
        Step::Failed(message) => Outcome::ReplyThenClose(
            SaslAuthenticateResponse {
                error_code: ErrorCode::SaslAuthenticationFailed.code(),
                error_message: Some(message.into()),
                ..Default::default()
            }
            .into(),
        ),
    }
}

/// A bare token after SaslHandshake v0: the reply token to write, or
/// `None` to close the connection (authentication failed: v0 has no way
/// to say why).
pub(crate) fn raw_token(shared: &Shared, session: &mut Session, token: &Bytes) -> Option<Bytes> {
    match step(shared, session, token) {
        Step::Done(reply) => Some(reply),
        Step::Continue(reply) => {
            session.raw_sasl_token_next = true;
            Some(reply)
        }
        Step::Failed(_) => None,
    }
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

/// DescribeUserScramCredentials, as Kafka's ScramImage answers it: every
/// user with a credential when none is named; a user named twice gets
/// DUPLICATE_RESOURCE, one without credentials RESOURCE_NOT_FOUND.
pub(crate) fn describe_user_scram_credentials(
    ctx: &Ctx<'_>,
    request: &DescribeUserScramCredentialsRequest,
) -> DescribeUserScramCredentialsResponse {
    use describe_user_scram_credentials_response::{CredentialInfo, DescribeUserScramCredentialsResult};
    let credentials = ctx.shared.scram_credentials();
    // User -> named more than once.
    let mut users: BTreeMap<String, bool> = BTreeMap::new();
    match request.users.as_deref() {
        None | Some([]) => users.extend(credentials.keys().map(|u| (u.clone(), false))),
        Some(named) => {
            for user in named {
                users.entry(user.name.to_string()).and_modify(|twice| *twice = true).or_insert(false);
            }
        }
    }
    let results = users
        .into_iter()
        .map(|(user, twice)| {
            let mut result = DescribeUserScramCredentialsResult {
                user: user.clone().into(),
                error_message: None,
                ..Default::default()
            };
            if twice {
                result.error_code = ErrorCode::DuplicateResource.code();
                result.error_message = Some(
                    format!("Cannot describe SCRAM credentials for the same user twice in a single request: {user}")
                        .into(),
                );
                return result;
            }
            match credentials.get(&user).filter(|c| !c.is_empty()) {
                Some(mechanisms) => {
                    result.credential_infos = mechanisms
                        .iter()
                        .map(|(m, c)| CredentialInfo {
                            mechanism: m.type_id(),
                            iterations: c.iterations,
                            ..Default::default()
                        })
                        .collect();
                }
                None => {
                    result.error_code = ErrorCode::ResourceNotFound.code();
                    result.error_message =
                        Some(format!("Attempt to describe a user credential that does not exist: {user}").into());
                }
            }
            result
        })
        .collect();
    DescribeUserScramCredentialsResponse { results, error_message: None, ..Default::default() }
}

/// AlterUserScramCredentials, as Kafka's ScramControlManager answers it:
/// one result per user; a user altered twice in a request gets
/// DUPLICATE_RESOURCE and none of its changes.
pub(crate) fn alter_user_scram_credentials(
    ctx: &Ctx<'_>,
    request: &AlterUserScramCredentialsRequest,
) -> AlterUserScramCredentialsResponse {
    use alter_user_scram_credentials_response::AlterUserScramCredentialsResult;
    fn error(code: ErrorCode, message: &str) -> (ErrorCode, String) {
        (code, message.to_owned())
    }
    fn check_name(name: &str, mechanism: i8) -> Result<ScramMechanism, (ErrorCode, String)> {
        if name.is_empty() {
            return Err(error(ErrorCode::UnacceptableCredential, "Username must not be empty"));
        }
        ScramMechanism::from_type(mechanism)
            .ok_or_else(|| error(ErrorCode::UnsupportedSaslMechanism, "Unknown SCRAM mechanism"))
    }
    const TWICE: &str = "A user credential cannot be altered twice in the same request";
    let mut credentials = ctx.shared.scram_credentials();
    let mut errors: BTreeMap<String, (ErrorCode, String)> = BTreeMap::new();
    let mut deletions: BTreeMap<String, ScramMechanism> = BTreeMap::new();
    let mut upsertions: BTreeMap<String, (ScramMechanism, ScramCredential)> = BTreeMap::new();
    for deletion in &request.deletions {
        let name = deletion.name.to_string();
        if errors.contains_key(&name) {
            continue;
        }
        if deletions.remove(&name).is_some() {
            errors.insert(name, error(ErrorCode::DuplicateResource, TWICE));
            continue;
        }
        match check_name(&name, deletion.mechanism) {
            Ok(m) if credentials.get(&name).is_some_and(|c| c.contains_key(&m)) => {
                deletions.insert(name, m);
            }
            Ok(_) => {
                errors.insert(
                    name,
                    error(ErrorCode::ResourceNotFound, "Attempt to delete a user credential that does not exist"),
                );
            }
            Err(e) => {
                errors.insert(name, e);
            }
        }
    }
    for upsertion in &request.upsertions {
        let name = upsertion.name.to_string();
        if errors.contains_key(&name) {
            continue;
        }
        if deletions.remove(&name).is_some() || upsertions.remove(&name).is_some() {
            errors.insert(name, error(ErrorCode::DuplicateResource, TWICE));
            continue;
        }
        let checked = check_name(&name, upsertion.mechanism).and_then(|m| {
            if upsertion.iterations < MIN_ITERATIONS {
                Err(error(ErrorCode::UnacceptableCredential, "Too few iterations"))
            } else if upsertion.iterations > MAX_ITERATIONS {
                Err(error(ErrorCode::UnacceptableCredential, "Too many iterations"))
            } else {
                Ok(m)
            }
        });
        match checked {
            Ok(m) => {
                let credential = ScramCredential::from_salted_password(
                    m,
                    &upsertion.salted_password,
                    upsertion.salt.to_vec(),
                    upsertion.iterations,
                );
                upsertions.insert(name, (m, credential));
            }
            Err(e) => {
                errors.insert(name, e);
            }
        }
    }
    let mut results = Vec::new();
    for (name, mechanism) in deletions {
        if let Some(user) = credentials.get_mut(&name) {
            user.remove(&mechanism);
            if user.is_empty() {
                credentials.remove(&name);
            }
        }
        results.push(AlterUserScramCredentialsResult { user: name.into(), error_message: None, ..Default::default() });
    }
    for (name, (mechanism, credential)) in upsertions {
        credentials.entry(name.clone()).or_default().insert(mechanism, credential);
        results.push(AlterUserScramCredentialsResult { user: name.into(), error_message: None, ..Default::default() });
    }
    for (name, (code, message)) in errors {
        results.push(AlterUserScramCredentialsResult {
            user: name.into(),
            error_code: code.code(),
            error_message: Some(message.into()),
            ..Default::default()
        });
    }
    AlterUserScramCredentialsResponse { results, ..Default::default() }
}
