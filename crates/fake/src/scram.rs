//! SASL SCRAM (RFC 5802, RFC 7677) as Kafka's broker serves it:
//! credentials kept salted (salt, stored key, server key, iterations),
//! and the server side of one exchange.
//!
//! An exchange is two rounds: the client's first message names the user
//! and a nonce; the server answers with the nonce extended, the salt and
//! the iteration count; the client's final message proves it knows the
//! password, and the server's final message proves the server knew the
//! credential. A failure fails the whole exchange.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha512};
use std::collections::BTreeMap;

/// Kafka's `ScramMechanism` types, as its admin apis number them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScramMechanism {
    /// SCRAM-SHA-256 (type 1).
    Sha256,
    /// SCRAM-SHA-512 (type 2).
    Sha512,
}

/// The fewest iterations Kafka accepts for either mechanism.
pub(crate) const MIN_ITERATIONS: i32 = 4096;
/// The most iterations AlterUserScramCredentials accepts.
pub(crate) const MAX_ITERATIONS: i32 = 16384;

impl ScramMechanism {
    /// The SASL mechanism name (`SCRAM-SHA-256`).
    pub fn name(self) -> &'static str {
        match self {
            ScramMechanism::Sha256 => "SCRAM-SHA-256",
            ScramMechanism::Sha512 => "SCRAM-SHA-512",
        }
    }

    /// The mechanism a SASL name means.
    pub fn from_name(name: &str) -> Option<ScramMechanism> {
        match name {
            "SCRAM-SHA-256" => Some(ScramMechanism::Sha256),
            "SCRAM-SHA-512" => Some(ScramMechanism::Sha512),
            _ => None,
        }
    }

    pub(crate) fn from_type(t: i8) -> Option<ScramMechanism> {
        match t {
            1 => Some(ScramMechanism::Sha256),
            2 => Some(ScramMechanism::Sha512),
            _ => None,
        }
    }

    pub(crate) fn type_id(self) -> i8 {
        match self {
            ScramMechanism::Sha256 => 1,
            ScramMechanism::Sha512 => 2,
        }
    }

    fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            ScramMechanism::Sha256 => Sha256::digest(data).to_vec(),
            ScramMechanism::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            ScramMechanism::Sha256 => {
                let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
            ScramMechanism::Sha512 => {
                let mut mac = Hmac::<Sha512>::new_from_slice(key).expect("HMAC takes any key");
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
        }
    }

    /// `Hi(password, salt, iterations)`: PBKDF2 with this hash.
    fn salted_password(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        match self {
            ScramMechanism::Sha256 => {
                let mut out = vec![0; 32];
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut out);
                out
            }
            ScramMechanism::Sha512 => {
                let mut out = vec![0; 64];
                pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, iterations, &mut out);
                out
            }
        }
    }
}

/// A user's credential for one mechanism, as Kafka stores it: never the
/// password itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScramCredential {
    pub(crate) salt: Vec<u8>,
    pub(crate) stored_key: Vec<u8>,
    pub(crate) server_key: Vec<u8>,
    pub(crate) iterations: i32,
}

impl ScramCredential {
    /// From a password, with a fresh random salt.
    pub(crate) fn from_password(mechanism: ScramMechanism, password: &str, iterations: i32) -> ScramCredential {
        let salt = random_bytes(32);
        let salted = mechanism.salted_password(password.as_bytes(), &salt, iterations.max(1) as u32);
        ScramCredential::from_salted_password(mechanism, &salted, salt, iterations)
    }

    /// From a salted password, as AlterUserScramCredentials sends it.
    pub(crate) fn from_salted_password(
        mechanism: ScramMechanism,
        salted: &[u8],
        salt: Vec<u8>,
        iterations: i32,
    ) -> ScramCredential {
        let client_key = mechanism.hmac(salted, b"Client Key");
        ScramCredential {
            salt,
            stored_key: mechanism.hash(&client_key),
            server_key: mechanism.hmac(salted, b"Server Key"),
            iterations,
        }
    }
}

/// Every user's SCRAM credentials, by user then mechanism.
pub(crate) type Credentials = BTreeMap<String, BTreeMap<ScramMechanism, ScramCredential>>;

fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0; n];
    getrandom::getrandom(&mut bytes).expect("the system's random source");
    bytes
}

/// Why an exchange failed: the message a SaslAuthenticate answer carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScramFailure(pub(crate) String);

/// The server side of one SCRAM exchange.
#[derive(Debug)]
pub(crate) struct ScramServer {
    mechanism: ScramMechanism,
    step: Step,
}

#[derive(Debug)]
enum Step {
    ClientFirst,
    ClientFinal { user: String, credential: ScramCredential, client_first_bare: String, server_first: String },
    Done,
}

impl ScramServer {
    pub(crate) fn new(mechanism: ScramMechanism) -> ScramServer {
        ScramServer { mechanism, step: Step::ClientFirst }
    }

    /// Kafka's answer for a failure whose cause must not reach the client
    /// (an unknown user, a wrong password).
    fn invalid(&self) -> ScramFailure {
        ScramFailure(format!(
            "Authentication failed during authentication due to invalid credentials with SASL mechanism {}",
            self.mechanism.name()
        ))
    }

    /// Takes the client's next message; answers the server's, and the
    /// authenticated user once the exchange is complete.
    pub(crate) fn step(
        &mut self,
        message: &[u8],
        credentials: &Credentials,
    ) -> Result<(Vec<u8>, Option<String>), ScramFailure> {
        let step = std::mem::replace(&mut self.step, Step::Done);
        match step {
            Step::ClientFirst => {
                let message = std::str::from_utf8(message).map_err(|_| self.invalid())?;
                let first = ClientFirst::parse(message).ok_or_else(|| self.invalid())?;
                let user = sasl_name_to_user(first.sasl_name).ok_or_else(|| self.invalid())?;
                if first.token_auth {
                    // Delegation tokens are not served.
                    return Err(self.invalid());
                }
                let credential = credentials
                    .get(&user)
                    .and_then(|c| c.get(&self.mechanism))
                    .cloned()
                    .ok_or_else(|| self.invalid())?;
                if !first.authzid.is_empty() && first.authzid != user {
                    return Err(ScramFailure(
                        "Authentication failed: Client requested an authorization id that is different from username"
                            .into(),
                    ));
                }
                if credential.iterations < MIN_ITERATIONS {
                    return Err(self.invalid());
                }
                let nonce = format!("{}{}", first.nonce, server_nonce());
                let server_first = format!("r={nonce},s={},i={}", B64.encode(&credential.salt), credential.iterations);
                let reply = server_first.clone().into_bytes();
                self.step =
                    Step::ClientFinal { user, credential, client_first_bare: first.bare.to_owned(), server_first };
                Ok((reply, None))
            }
            Step::ClientFinal { user, credential, client_first_bare, server_first } => {
                let message = std::str::from_utf8(message).map_err(|_| self.invalid())?;
                let last = ClientFinal::parse(message).ok_or_else(|| self.invalid())?;
                let server_nonce = server_first.strip_prefix("r=").and_then(|s| s.split(',').next()).unwrap_or("");
                if !last.nonce.ends_with(server_nonce) {
                    return Err(self.invalid());
                }
                let auth_message = format!("{client_first_bare},{server_first},{}", last.without_proof);
                let signature = self.mechanism.hmac(&credential.stored_key, auth_message.as_bytes());
                let proof = B64.decode(last.proof).map_err(|_| self.invalid())?;
                if proof.len() != signature.len() {
                    return Err(self.invalid());
                }
                let client_key: Vec<u8> = proof.iter().zip(&signature).map(|(p, s)| p ^ s).collect();
                if self.mechanism.hash(&client_key) != credential.stored_key {
                    return Err(self.invalid());
                }
                let server_signature = self.mechanism.hmac(&credential.server_key, auth_message.as_bytes());
                Ok((format!("v={}", B64.encode(server_signature)).into_bytes(), Some(user)))
            }
            Step::Done => Err(self.invalid()),
        }
    }
}

/// A server nonce: printable, no commas (Kafka's is 32 random bytes as
/// base 36; any printable string will do).
fn server_nonce() -> String {
    random_bytes(24).iter().map(|b| format!("{b:02x}")).collect()
}

/// `gs2-header client-first-message-bare`: `n,[a=authzid],n=name,r=nonce[,ext]*`.
struct ClientFirst<'a> {
    authzid: String,
    sasl_name: &'a str,
    nonce: &'a str,
    bare: &'a str,
    token_auth: bool,
}

impl<'a> ClientFirst<'a> {
    fn parse(message: &'a str) -> Option<ClientFirst<'a>> {
        // Kafka accepts no channel binding: the header starts with `n,`.
        let rest = message.strip_prefix("n,")?;
        let (authzid, bare) = rest.split_once(',')?;
        let authzid = match authzid {
            "" => String::new(),
            a => sasl_name_to_user(a.strip_prefix("a=")?)?,
        };
        let mut fields = bare.split(',');
        let sasl_name = fields.next()?.strip_prefix("n=")?;
        let nonce = fields.next()?.strip_prefix("r=")?;
        if nonce.is_empty() {
            return None;
        }
        let mut token_auth = false;
        for extension in fields {
            let (key, value) = extension.split_once('=')?;
            if key == "tokenauth" && value.eq_ignore_ascii_case("true") {
                token_auth = true;
            }
        }
        Some(ClientFirst { authzid, sasl_name, nonce, bare, token_auth })
    }
}

/// `c=binding,r=nonce[,ext]*,p=proof`.
struct ClientFinal<'a> {
    nonce: &'a str,
    without_proof: &'a str,
    proof: &'a str,
}

impl<'a> ClientFinal<'a> {
    fn parse(message: &'a str) -> Option<ClientFinal<'a>> {
        let (without_proof, proof) = message.rsplit_once(",p=")?;
        let mut fields = without_proof.split(',');
        fields.next()?.strip_prefix("c=")?;
        let nonce = fields.next()?.strip_prefix("r=")?;
        Some(ClientFinal { nonce, without_proof, proof })
    }
}

/// A SASL name back to a user name: `=2C` is a comma, `=3D` an equals
/// sign, and any other `=` makes the name invalid.
fn sasl_name_to_user(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find('=') {
        out.push_str(&rest[..at]);
        let escape = rest.get(at..at + 3)?;
        match escape {
            "=2C" => out.push(','),
            "=3D" => out.push('='),
            _ => return None,
        }
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sasl_names_unescape() {
        assert_eq!(sasl_name_to_user("a=2Cb=3Dc").as_deref(), Some("a,b=c"));
        assert_eq!(sasl_name_to_user("a=b"), None);
        assert_eq!(sasl_name_to_user("plain").as_deref(), Some("plain"));
    }

    #[test]
    fn rfc_7677_example_keys() {
        // RFC 7677's example: user "user", password "pencil".
        let salt = B64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
        let salted = ScramMechanism::Sha256.salted_password(b"pencil", &salt, 4096);
        let credential = ScramCredential::from_salted_password(ScramMechanism::Sha256, &salted, salt, 4096);
        let auth_message = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        let server_signature = ScramMechanism::Sha256.hmac(&credential.server_key, auth_message.as_bytes());
        assert_eq!(B64.encode(server_signature), "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }
}
