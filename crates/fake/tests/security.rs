//! SASL SCRAM and ACLs: logins with a SCRAM client written here, the
//! credential apis, and the ACL apis with their enforcement.

mod common;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use bytes::Bytes;
use common::Client;
use hmac::{Hmac, Mac};
use kafka_wire::messages::*;
use kafka_wire::{ErrorCode, Response};
use kafka_wire_fake::{FakeCluster, ScramMechanism};
use sha2::{Digest, Sha256, Sha512};

fn code(e: ErrorCode) -> i16 {
    e.code()
}

/// The client side of SCRAM, from RFC 5802.
struct Scram {
    mechanism: ScramMechanism,
}

impl Scram {
    fn hmac(&self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self.mechanism {
            ScramMechanism::Sha256 => {
                let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
            _ => {
                let mut mac = Hmac::<Sha512>::new_from_slice(key).unwrap();
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
        }
    }

    fn hash(&self, data: &[u8]) -> Vec<u8> {
        match self.mechanism {
            ScramMechanism::Sha256 => Sha256::digest(data).to_vec(),
            _ => Sha512::digest(data).to_vec(),
        }
    }

    fn salted(&self, password: &str, salt: &[u8], iterations: u32) -> Vec<u8> {
        match self.mechanism {
            ScramMechanism::Sha256 => {
                let mut out = vec![0; 32];
                pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut out);
                out
            }
            _ => {
                let mut out = vec![0; 64];
                pbkdf2::pbkdf2_hmac::<Sha512>(password.as_bytes(), salt, iterations, &mut out);
                out
            }
        }
    }
}

async fn authenticate(client: &mut Client, bytes: Vec<u8>) -> Option<SaslAuthenticateResponse> {
    let request = SaslAuthenticateRequest { auth_bytes: Bytes::from(bytes), ..Default::default() };
    match client.try_send(request, 2).await?.body {
        Response::SaslAuthenticate(a) => Some(a),
        other => panic!("{other:?}"),
    }
}

/// Logs in with SCRAM over SaslHandshake v1 and SaslAuthenticate; the
/// error of the step that failed.
async fn scram_login(
    client: &mut Client,
    mechanism: ScramMechanism,
    user: &str,
    password: &str,
    authzid: &str,
) -> Result<(), SaslAuthenticateResponse> {
    let scram = Scram { mechanism };
    let Response::SaslHandshake(h) =
        client.send(SaslHandshakeRequest { mechanism: mechanism.name().into() }, 1).await.body
    else {
        panic!()
    };
    assert_eq!(h.error_code, 0, "handshake for {}", mechanism.name());
    let gs2 = if authzid.is_empty() { "n,,".to_owned() } else { format!("n,a={authzid},") };
    let client_first_bare = format!("n={user},r=fyko+d2lbbFgONRv9qkxdawL");
    let first = authenticate(client, format!("{gs2}{client_first_bare}").into_bytes()).await.unwrap();
    if first.error_code != 0 {
        return Err(first);
    }
    let server_first = String::from_utf8(first.auth_bytes.to_vec()).unwrap();
    let fields: std::collections::BTreeMap<&str, &str> =
        server_first.split(',').filter_map(|f| f.split_once('=')).collect();
    let nonce = fields["r"];
    assert!(nonce.starts_with("fyko+d2lbbFgONRv9qkxdawL") && nonce.len() > 24, "the server extends the nonce");
    let salt = B64.decode(fields["s"]).unwrap();
    let iterations: u32 = fields["i"].parse().unwrap();
    let salted = scram.salted(password, &salt, iterations);
    let client_key = scram.hmac(&salted, b"Client Key");
    let stored_key = scram.hash(&client_key);
    let without_proof = format!("c={},r={nonce}", B64.encode(gs2.as_bytes()));
    let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
    let signature = scram.hmac(&stored_key, auth_message.as_bytes());
    let proof: Vec<u8> = client_key.iter().zip(&signature).map(|(k, s)| k ^ s).collect();
    let last = authenticate(client, format!("{without_proof},p={}", B64.encode(proof)).into_bytes()).await.unwrap();
    if last.error_code != 0 {
        return Err(last);
    }
    let server_key = scram.hmac(&salted, b"Server Key");
    let expected = format!("v={}", B64.encode(scram.hmac(&server_key, auth_message.as_bytes())));
    assert_eq!(String::from_utf8(last.auth_bytes.to_vec()).unwrap(), expected, "the server's signature");
    Ok(())
}

async fn metadata_answers(client: &mut Client) -> bool {
    client.try_send(MetadataRequest { topics: None, ..Default::default() }, 12).await.is_some()
}

#[tokio::test]
async fn scram_sha_256_and_512_logins() {
    let cluster = FakeCluster::builder()
        .sasl_scram(ScramMechanism::Sha256, [("alice", "alice-secret")])
        .sasl_scram(ScramMechanism::Sha512, [("bob", "bob-secret")])
        .sasl_plain([("carol", "carol-secret")])
        .start()
        .await
        .unwrap();
    // The handshake lists every enabled mechanism.
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let Response::SaslHandshake(h) = client.send(SaslHandshakeRequest { mechanism: "GSSAPI".into() }, 1).await.body
    else {
        panic!()
    };
    assert_eq!(h.error_code, code(ErrorCode::UnsupportedSaslMechanism));
    let listed: Vec<&str> = h.mechanisms.iter().map(|m| &**m).collect();
    assert_eq!(listed, ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]);

    let mut client = Client::connect(cluster.addresses()[0]).await;
    scram_login(&mut client, ScramMechanism::Sha256, "alice", "alice-secret", "").await.unwrap();
    assert!(metadata_answers(&mut client).await);
    let mut client = Client::connect(cluster.addresses()[0]).await;
    scram_login(&mut client, ScramMechanism::Sha512, "bob", "bob-secret", "bob").await.unwrap();
    assert!(metadata_answers(&mut client).await);
    // A credential is per mechanism: alice has none for SHA-512.
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let error = scram_login(&mut client, ScramMechanism::Sha512, "alice", "alice-secret", "").await.unwrap_err();
    assert_eq!(error.error_code, code(ErrorCode::SaslAuthenticationFailed));
    assert!(!metadata_answers(&mut client).await, "closed after a failed authentication");
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn scram_wrong_password_and_authzid_fail_and_close() {
    let cluster =
        FakeCluster::builder().sasl_scram(ScramMechanism::Sha256, [("alice", "alice-secret")]).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let error = scram_login(&mut client, ScramMechanism::Sha256, "alice", "wrong", "").await.unwrap_err();
    assert_eq!(error.error_code, code(ErrorCode::SaslAuthenticationFailed));
    assert_eq!(
        error.error_message.as_deref(),
        Some(
            "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256"
        )
    );
    assert!(!metadata_answers(&mut client).await, "closed after a wrong password");

    let mut client = Client::connect(cluster.addresses()[0]).await;
    let error = scram_login(&mut client, ScramMechanism::Sha256, "nobody", "x", "").await.unwrap_err();
    assert_eq!(error.error_code, code(ErrorCode::SaslAuthenticationFailed));
    assert!(!metadata_answers(&mut client).await);

    let mut client = Client::connect(cluster.addresses()[0]).await;
    let error = scram_login(&mut client, ScramMechanism::Sha256, "alice", "alice-secret", "bob").await.unwrap_err();
    assert_eq!(
        error.error_message.as_deref(),
        Some("Authentication failed: Client requested an authorization id that is different from username")
    );
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn scram_over_sasl_handshake_v0_bare_tokens() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let cluster =
        FakeCluster::builder().sasl_scram(ScramMechanism::Sha256, [("alice", "alice-secret")]).start().await.unwrap();
    let mut socket = tokio::net::TcpStream::connect(cluster.addresses()[0]).await.unwrap();
    async fn exchange(socket: &mut tokio::net::TcpStream, token: &[u8]) -> Option<Vec<u8>> {
        socket.write_all(&(token.len() as i32).to_be_bytes()).await.ok()?;
        socket.write_all(token).await.ok()?;
        let mut size = [0u8; 4];
        socket.read_exact(&mut size).await.ok()?;
        let mut body = vec![0; i32::from_be_bytes(size) as usize];
        socket.read_exact(&mut body).await.ok()?;
        Some(body)
    }
    let handshake =
        kafka_wire::RequestFrame::new(SaslHandshakeRequest { mechanism: "SCRAM-SHA-256".into() }, 0, 1, Some("c"));
    let bytes = handshake.to_bytes().unwrap();
    // to_bytes carries the size prefix: send the frame's body through `exchange`.
    exchange(&mut socket, &bytes[4..]).await.unwrap();
    let scram = Scram { mechanism: ScramMechanism::Sha256 };
    let bare = "n=alice,r=abcdefgh";
    let server_first =
        String::from_utf8(exchange(&mut socket, format!("n,,{bare}").as_bytes()).await.unwrap()).unwrap();
    let fields: std::collections::BTreeMap<&str, &str> =
        server_first.split(',').filter_map(|f| f.split_once('=')).collect();
    let salted = scram.salted("alice-secret", &B64.decode(fields["s"]).unwrap(), fields["i"].parse().unwrap());
    let client_key = scram.hmac(&salted, b"Client Key");
    let without_proof = format!("c=biws,r={}", fields["r"]);
    let auth_message = format!("{bare},{server_first},{without_proof}");
    let signature = scram.hmac(&scram.hash(&client_key), auth_message.as_bytes());
    let proof: Vec<u8> = client_key.iter().zip(&signature).map(|(k, s)| k ^ s).collect();
    let server_final =
        exchange(&mut socket, format!("{without_proof},p={}", B64.encode(proof)).as_bytes()).await.unwrap();
    assert!(server_final.starts_with(b"v="));
    let metadata = kafka_wire::RequestFrame::new(MetadataRequest::default(), 12, 2, Some("c"));
    let bytes = metadata.to_bytes().unwrap();
    assert!(exchange(&mut socket, &bytes[4..]).await.is_some_and(|b| !b.is_empty()), "answered after SCRAM");
}

#[tokio::test]
async fn scram_credentials_described_altered_then_used() {
    use alter_user_scram_credentials_request::{ScramCredentialDeletion, ScramCredentialUpsertion};
    let cluster =
        FakeCluster::builder().sasl_scram(ScramMechanism::Sha256, [("admin", "admin-secret")]).start().await.unwrap();
    let mut admin = Client::connect(cluster.addresses()[0]).await;
    scram_login(&mut admin, ScramMechanism::Sha256, "admin", "admin-secret", "").await.unwrap();

    let scram = Scram { mechanism: ScramMechanism::Sha256 };
    let salt = b"some salt of dave's".to_vec();
    let upsert = |name: &str, mechanism: i8, iterations: i32| ScramCredentialUpsertion {
        name: name.to_owned().into(),
        mechanism,
        iterations,
        salt: Bytes::from(salt.clone()),
        salted_password: Bytes::from(scram.salted("dave-secret", &salt, iterations.clamp(1, 20000) as u32)),
        ..Default::default()
    };
    let request = AlterUserScramCredentialsRequest {
        upsertions: vec![
            upsert("dave", 1, 8192),
            upsert("few", 1, 1024),
            upsert("many", 1, 20000),
            upsert("odd", 3, 4096),
            upsert("twice", 1, 4096),
            upsert("twice", 1, 4096),
        ],
        deletions: vec![ScramCredentialDeletion { name: "ghost".into(), mechanism: 1, ..Default::default() }],
        ..Default::default()
    };
    let Response::AlterUserScramCredentials(r) = admin.send(request, 0).await.body else { panic!() };
    let results: std::collections::BTreeMap<String, (i16, Option<String>)> = r
        .results
        .iter()
        .map(|r| (r.user.to_string(), (r.error_code, r.error_message.as_ref().map(|m| m.to_string()))))
        .collect();
    assert_eq!(results["dave"], (0, None));
    assert_eq!(results["few"], (code(ErrorCode::UnacceptableCredential), Some("Too few iterations".into())));
    assert_eq!(results["many"], (code(ErrorCode::UnacceptableCredential), Some("Too many iterations".into())));
    assert_eq!(results["odd"].0, code(ErrorCode::UnsupportedSaslMechanism));
    assert_eq!(results["twice"].0, code(ErrorCode::DuplicateResource));
    assert_eq!(results["ghost"].0, code(ErrorCode::ResourceNotFound));

    // Described: every user with a credential, or the ones named.
    let Response::DescribeUserScramCredentials(d) =
        admin.send(DescribeUserScramCredentialsRequest { users: None, ..Default::default() }, 0).await.body
    else {
        panic!()
    };
    let users: Vec<(String, Vec<(i8, i32)>)> = d
        .results
        .iter()
        .map(|r| (r.user.to_string(), r.credential_infos.iter().map(|c| (c.mechanism, c.iterations)).collect()))
        .collect();
    assert_eq!(users, [("admin".to_owned(), vec![(1, 4096)]), ("dave".to_owned(), vec![(1, 8192)])]);
    let named =
        |n: &str| describe_user_scram_credentials_request::UserName { name: n.to_owned().into(), ..Default::default() };
    let request = DescribeUserScramCredentialsRequest {
        users: Some(vec![named("dave"), named("nobody"), named("admin"), named("admin")]),
        ..Default::default()
    };
    let Response::DescribeUserScramCredentials(d) = admin.send(request, 0).await.body else { panic!() };
    let codes: Vec<(String, i16)> = d.results.iter().map(|r| (r.user.to_string(), r.error_code)).collect();
    assert_eq!(
        codes,
        [
            ("admin".to_owned(), code(ErrorCode::DuplicateResource)),
            ("dave".to_owned(), 0),
            ("nobody".to_owned(), code(ErrorCode::ResourceNotFound))
        ]
    );

    // dave logs in with the credential the admin set.
    let mut dave = Client::connect(cluster.addresses()[0]).await;
    scram_login(&mut dave, ScramMechanism::Sha256, "dave", "dave-secret", "").await.unwrap();
    assert!(metadata_answers(&mut dave).await);

    // Deleted: dave can no longer log in.
    let request = AlterUserScramCredentialsRequest {
        deletions: vec![ScramCredentialDeletion { name: "dave".into(), mechanism: 1, ..Default::default() }],
        ..Default::default()
    };
    let Response::AlterUserScramCredentials(r) = admin.send(request, 0).await.body else { panic!() };
    assert_eq!(r.results[0].error_code, 0);
    let mut dave = Client::connect(cluster.addresses()[0]).await;
    let error = scram_login(&mut dave, ScramMechanism::Sha256, "dave", "dave-secret", "").await.unwrap_err();
    assert_eq!(error.error_code, code(ErrorCode::SaslAuthenticationFailed));
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}
