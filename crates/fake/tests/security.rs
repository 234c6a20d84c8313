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

/// Whether the connection was closed: even ApiVersions, which needs no
/// authentication, gets no answer.
async fn closed(client: &mut Client) -> bool {
    client.try_send(ApiVersionsRequest::default(), 3).await.is_none()
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
    assert!(closed(&mut client).await, "closed after a failed authentication");
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
    assert!(closed(&mut client).await, "closed after a wrong password");

    let mut client = Client::connect(cluster.addresses()[0]).await;
    let error = scram_login(&mut client, ScramMechanism::Sha256, "nobody", "x", "").await.unwrap_err();
    assert_eq!(error.error_code, code(ErrorCode::SaslAuthenticationFailed));
    assert!(closed(&mut client).await);

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

// ---- ACLs ----

const TOPIC: i8 = 2;
const GROUP: i8 = 3;
const CLUSTER: i8 = 4;
const LITERAL: i8 = 3;
const PREFIXED: i8 = 4;
const MATCH: i8 = 2;
const ANY: i8 = 1;
const READ: i8 = 3;
const WRITE: i8 = 4;
const DESCRIBE: i8 = 8;
const ALLOW: i8 = 3;
const DENY: i8 = 2;

/// A client logged in with SASL PLAIN as `user` (password `user-secret`).
async fn login(cluster: &FakeCluster, user: &str) -> Client {
    let mut client = Client::connect(cluster.addresses()[0]).await;
    client.send(SaslHandshakeRequest { mechanism: "PLAIN".into() }, 1).await;
    let token = Bytes::from(format!("\0{user}\0{user}-secret"));
    let a = authenticate(&mut client, token.to_vec()).await.unwrap();
    assert_eq!(a.error_code, 0, "{user} logs in");
    client
}

fn secured(topics: &[&str]) -> kafka_wire_fake::FakeClusterBuilder {
    let mut builder = FakeCluster::builder()
        .sasl_plain([("admin", "admin-secret"), ("alice", "alice-secret"), ("bob", "bob-secret")])
        .authorizer(["User:admin"]);
    for topic in topics {
        builder = builder.topic(topic, 1);
    }
    builder
}

fn creation(
    resource_type: i8,
    name: &str,
    pattern: i8,
    principal: &str,
    operation: i8,
    permission: i8,
) -> create_acls_request::AclCreation {
    create_acls_request::AclCreation {
        resource_type,
        resource_name: name.to_owned().into(),
        resource_pattern_type: pattern,
        principal: principal.to_owned().into(),
        host: "*".into(),
        operation,
        permission_type: permission,
        ..Default::default()
    }
}

async fn create_acls(client: &mut Client, creations: Vec<create_acls_request::AclCreation>, version: i16) -> Vec<i16> {
    let Response::CreateAcls(r) =
        client.send(CreateAclsRequest { creations, ..Default::default() }, version).await.body
    else {
        panic!()
    };
    r.results.iter().map(|r| r.error_code).collect()
}

fn describe_filter(resource_type: i8, name: Option<&str>, pattern: i8) -> DescribeAclsRequest {
    DescribeAclsRequest {
        resource_type_filter: resource_type,
        resource_name_filter: name.map(|n| n.to_owned().into()),
        pattern_type_filter: pattern,
        principal_filter: None,
        host_filter: None,
        operation: ANY,
        permission_type: ANY,
        ..Default::default()
    }
}

/// (resource name, pattern type, principal, operation, permission) of every ACL described.
async fn describe_acls(
    client: &mut Client,
    filter: DescribeAclsRequest,
    version: i16,
) -> Vec<(String, i8, String, i8, i8)> {
    let Response::DescribeAcls(r) = client.send(filter, version).await.body else { panic!() };
    assert_eq!(r.error_code, 0, "{:?}", r.error_message);
    let mut out: Vec<_> = r
        .resources
        .iter()
        .flat_map(|res| {
            res.acls.iter().map(move |a| {
                (
                    res.resource_name.to_string(),
                    res.pattern_type,
                    a.principal.to_string(),
                    a.operation,
                    a.permission_type,
                )
            })
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn acl_apis_round_trip_at_every_version() {
    let cluster = secured(&[]).start().await.unwrap();
    let mut admin = login(&cluster, "admin").await;
    let max = kafka_wire::ApiKey::CreateAcls.valid_versions().max;
    assert_eq!(kafka_wire::ApiKey::DescribeAcls.valid_versions().max, max);
    assert_eq!(kafka_wire::ApiKey::DeleteAcls.valid_versions().max, max);
    for version in 0..=max {
        // v0 knows only LITERAL patterns.
        let prefixed = if version == 0 { LITERAL } else { PREFIXED };
        // ... and its filters have no pattern type: LITERAL.
        let any = if version == 0 { LITERAL } else { ANY };
        let codes = create_acls(
            &mut admin,
            vec![
                creation(TOPIC, "orders", LITERAL, "User:alice", READ, ALLOW),
                creation(TOPIC, "ord", prefixed, "User:bob", WRITE, DENY),
                creation(TOPIC, "*", LITERAL, "User:*", DESCRIBE, ALLOW),
                creation(GROUP, "g", LITERAL, "User:alice", READ, ALLOW),
                // Refused: the cluster has one name, and a principal needs a type.
                creation(CLUSTER, "other", LITERAL, "User:alice", ANY + 1, ALLOW),
                creation(TOPIC, "t", LITERAL, "alice", READ, ALLOW),
            ],
            version,
        )
        .await;
        let invalid = code(ErrorCode::InvalidRequest);
        assert_eq!(codes, [0, 0, 0, 0, invalid, invalid], "v{version}");

        let all = describe_acls(&mut admin, describe_filter(ANY, None, any), version).await;
        assert_eq!(all.len(), 4, "v{version}: {all:?}");
        // Filters: the literal name, or (v1+) every pattern matching a name.
        let literal = describe_acls(&mut admin, describe_filter(TOPIC, Some("orders"), LITERAL), version).await;
        assert_eq!(literal, [("orders".into(), LITERAL, "User:alice".into(), READ, ALLOW)]);
        if version >= 1 {
            let matching = describe_acls(&mut admin, describe_filter(TOPIC, Some("orders"), MATCH), version).await;
            let names: Vec<&str> = matching.iter().map(|m| m.0.as_str()).collect();
            assert_eq!(names, ["*", "ord", "orders"], "v{version}");
            let prefixed = describe_acls(&mut admin, describe_filter(ANY, None, PREFIXED), version).await;
            assert_eq!(prefixed, [("ord".into(), PREFIXED, "User:bob".into(), WRITE, DENY)]);
        }
        let mut by_principal = describe_filter(ANY, None, any);
        by_principal.principal_filter = Some("User:alice".into());
        assert_eq!(describe_acls(&mut admin, by_principal, version).await.len(), 2);

        // Deleted by filters, each listing what it matched.
        let filter = |resource_type: i8, name: Option<&str>, pattern: i8| delete_acls_request::DeleteAclsFilter {
            resource_type_filter: resource_type,
            resource_name_filter: name.map(|n| n.to_owned().into()),
            pattern_type_filter: pattern,
            principal_filter: None,
            host_filter: None,
            operation: ANY,
            permission_type: ANY,
            ..Default::default()
        };
        let request = DeleteAclsRequest {
            filters: vec![filter(GROUP, None, any), filter(TOPIC, Some("orders"), LITERAL)],
            ..Default::default()
        };
        let Response::DeleteAcls(r) = admin.send(request, version).await.body else { panic!() };
        let matched: Vec<Vec<String>> = r
            .filter_results
            .iter()
            .map(|f| f.matching_acls.iter().map(|m| m.resource_name.to_string()).collect())
            .collect();
        assert_eq!(matched, [vec!["g".to_owned()], vec!["orders".to_owned()]], "v{version}");
        assert_eq!(describe_acls(&mut admin, describe_filter(ANY, None, any), version).await.len(), 2);
        let request = DeleteAclsRequest { filters: vec![filter(ANY, None, any)], ..Default::default() };
        let Response::DeleteAcls(r) = admin.send(request, version).await.body else { panic!() };
        assert_eq!(r.filter_results[0].matching_acls.len(), 2);
        assert!(describe_acls(&mut admin, describe_filter(ANY, None, any), version).await.is_empty());
    }

    // Only CLUSTER ALTER may change ACLs, CLUSTER DESCRIBE list them.
    let mut alice = login(&cluster, "alice").await;
    let codes = create_acls(&mut alice, vec![creation(TOPIC, "x", LITERAL, "User:alice", READ, ALLOW)], 3).await;
    assert_eq!(codes, [code(ErrorCode::ClusterAuthorizationFailed)]);
    let Response::DescribeAcls(r) = alice.send(describe_filter(ANY, None, ANY), 3).await.body else { panic!() };
    assert_eq!(r.error_code, code(ErrorCode::ClusterAuthorizationFailed));
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn acl_apis_without_an_authorizer_answer_security_disabled() {
    let cluster = FakeCluster::builder().start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let codes = create_acls(&mut client, vec![creation(TOPIC, "x", LITERAL, "User:a", READ, ALLOW)], 3).await;
    assert_eq!(codes, [code(ErrorCode::SecurityDisabled)]);
    let Response::DescribeAcls(r) = client.send(describe_filter(ANY, None, ANY), 3).await.body else { panic!() };
    assert_eq!(r.error_code, code(ErrorCode::SecurityDisabled));
}

fn produce_code(response: &ProduceResponse) -> i16 {
    response.responses[0].partition_responses[0].error_code
}

#[tokio::test]
async fn produce_and_fetch_are_denied_without_acls_and_allowed_with_them() {
    let cluster = secured(&["orders"]).start().await.unwrap();
    let mut alice = login(&cluster, "alice").await;
    let produce = common::produce("orders", common::batch(&["a"]), uuid::Uuid::nil());
    let Response::Produce(r) = alice.send(produce.clone(), 9).await.body else { panic!() };
    assert_eq!(produce_code(&r), code(ErrorCode::TopicAuthorizationFailed));
    let Response::Fetch(f) = alice.send(common::fetch("orders", 0, uuid::Uuid::nil()), 12).await.body else { panic!() };
    assert_eq!(f.responses[0].partitions[0].error_code, code(ErrorCode::TopicAuthorizationFailed));
    assert!(cluster.records("orders", 0).unwrap().is_empty());

    cluster.add_acl("topic", "orders", "User:alice", "write", true);
    cluster.add_acl("topic", "orders", "User:alice", "read", true);
    let Response::Produce(r) = alice.send(produce, 9).await.body else { panic!() };
    assert_eq!(produce_code(&r), 0);
    let Response::Fetch(f) = alice.send(common::fetch("orders", 0, uuid::Uuid::nil()), 12).await.body else { panic!() };
    assert_eq!(f.responses[0].partitions[0].error_code, 0);
    assert_eq!(cluster.records("orders", 0).unwrap().len(), 1);
    // bob is not alice.
    let mut bob = login(&cluster, "bob").await;
    let Response::Fetch(f) = bob.send(common::fetch("orders", 0, uuid::Uuid::nil()), 12).await.body else { panic!() };
    assert_eq!(f.responses[0].partitions[0].error_code, code(ErrorCode::TopicAuthorizationFailed));
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn deny_wins_over_allow_with_prefixed_and_wildcard_acls() {
    let cluster = secured(&["orders-eu", "orders-us", "payments"]).start().await.unwrap();
    // Everyone may read every topic; nobody but admin the orders-* ones; alice may read orders-eu.
    cluster.add_acl("topic", "*", "User:*", "read", true);
    cluster.add_acl("topic", "orders-*", "User:*", "read", false);
    cluster.add_acl("topic", "orders-eu", "User:alice", "read", true);
    let mut alice = login(&cluster, "alice").await;
    let fetch_code = |f: &FetchResponse| f.responses[0].partitions[0].error_code;
    let Response::Fetch(f) = alice.send(common::fetch("payments", 0, uuid::Uuid::nil()), 12).await.body else {
        panic!()
    };
    assert_eq!(fetch_code(&f), 0, "wildcard ALLOW");
    let Response::Fetch(f) = alice.send(common::fetch("orders-eu", 0, uuid::Uuid::nil()), 12).await.body else {
        panic!()
    };
    assert_eq!(fetch_code(&f), code(ErrorCode::TopicAuthorizationFailed), "a prefixed DENY beats a literal ALLOW");
    let Response::Fetch(f) = alice.send(common::fetch("orders-us", 0, uuid::Uuid::nil()), 12).await.body else {
        panic!()
    };
    assert_eq!(fetch_code(&f), code(ErrorCode::TopicAuthorizationFailed));
    // Super users are allowed whatever the ACLs say.
    let mut admin = login(&cluster, "admin").await;
    let Response::Fetch(f) = admin.send(common::fetch("orders-us", 0, uuid::Uuid::nil()), 12).await.body else {
        panic!()
    };
    assert_eq!(fetch_code(&f), 0, "a super user");

    // Metadata: READ implies DESCRIBE, so payments is listed; the orders
    // topics are too (a DENY of READ denies no DESCRIBE)... until DESCRIBE is denied.
    cluster.add_acl("topic", "orders-us", "User:alice", "describe", false);
    let Response::Metadata(m) = alice
        .send(MetadataRequest { topics: None, include_topic_authorized_operations: true, ..Default::default() }, 12)
        .await
        .body
    else {
        panic!()
    };
    let listed: Vec<&str> = m.topics.iter().map(|t| t.name.as_deref().unwrap()).collect();
    assert_eq!(listed, ["orders-eu", "payments"]);
    let payments = &m.topics[1];
    assert_eq!(payments.topic_authorized_operations, (1 << READ) | (1 << DESCRIBE), "READ and the DESCRIBE it implies");
    let named = MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic {
            name: Some("orders-us".into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let Response::Metadata(m) = alice.send(named, 12).await.body else { panic!() };
    assert_eq!(m.topics[0].error_code, code(ErrorCode::TopicAuthorizationFailed));
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn groups_topics_cluster_and_transactions_are_denied_with_kafkas_codes() {
    let cluster = secured(&["orders"]).start().await.unwrap();
    let mut alice = login(&cluster, "alice").await;
    let join = JoinGroupRequest {
        group_id: "g".into(),
        session_timeout_ms: 10_000,
        rebalance_timeout_ms: 10_000,
        member_id: "".into(),
        protocol_type: "consumer".into(),
        protocols: vec![join_group_request::JoinGroupRequestProtocol { name: "range".into(), ..Default::default() }],
        ..Default::default()
    };
    let Response::JoinGroup(j) = alice.send(join.clone(), 9).await.body else { panic!() };
    assert_eq!(j.error_code, code(ErrorCode::GroupAuthorizationFailed));
    let Response::DescribeGroups(d) =
        alice.send(DescribeGroupsRequest { groups: vec!["g".into()], ..Default::default() }, 5).await.body
    else {
        panic!()
    };
    assert_eq!(d.groups[0].error_code, code(ErrorCode::GroupAuthorizationFailed));
    let Response::DeleteGroups(d) =
        alice.send(DeleteGroupsRequest { groups_names: vec!["g".into()], ..Default::default() }, 2).await.body
    else {
        panic!()
    };
    assert_eq!(d.results[0].error_code, code(ErrorCode::GroupAuthorizationFailed));
    cluster.add_acl("group", "g", "User:alice", "read", true);
    let Response::JoinGroup(j) = alice.send(join, 9).await.body else { panic!() };
    // Allowed now: the first join asks for a member id.
    assert_eq!(j.error_code, code(ErrorCode::MemberIdRequired));

    // CreateTopics: TOPIC CREATE, or CLUSTER CREATE for every topic.
    let create = |name: &str| CreateTopicsRequest {
        topics: vec![create_topics_request::CreatableTopic {
            name: name.to_owned().into(),
            num_partitions: 1,
            replication_factor: 1,
            ..Default::default()
        }],
        timeout_ms: 1000,
        ..Default::default()
    };
    let Response::CreateTopics(c) = alice.send(create("new"), 7).await.body else { panic!() };
    assert_eq!(c.topics[0].error_code, code(ErrorCode::TopicAuthorizationFailed));
    cluster.add_acl("cluster", "kafka-cluster", "User:alice", "create", true);
    let Response::CreateTopics(c) = alice.send(create("new"), 7).await.body else { panic!() };
    assert_eq!(c.topics[0].error_code, 0);
    let Response::DeleteTopics(d) = alice
        .send(DeleteTopicsRequest { topic_names: vec!["orders".into()], timeout_ms: 1000, ..Default::default() }, 5)
        .await
        .body
    else {
        panic!()
    };
    assert_eq!(d.responses[0].error_code, code(ErrorCode::TopicAuthorizationFailed));

    // DescribeCluster needs CLUSTER DESCRIBE (CREATE does not imply it).
    let Response::DescribeCluster(d) = alice.send(DescribeClusterRequest::default(), 1).await.body else { panic!() };
    assert_eq!(d.error_code, code(ErrorCode::ClusterAuthorizationFailed));

    // A transactional producer needs WRITE on its transactional id; an
    // idempotent one IDEMPOTENT_WRITE (or WRITE on some topic).
    let init = |id: Option<&str>| InitProducerIdRequest {
        transactional_id: id.map(|i| i.to_owned().into()),
        transaction_timeout_ms: 60_000,
        producer_id: -1,
        producer_epoch: -1,
        ..Default::default()
    };
    let Response::InitProducerId(i) = alice.send(init(Some("tx")), 4).await.body else { panic!() };
    assert_eq!(i.error_code, code(ErrorCode::TransactionalIdAuthorizationFailed));
    let Response::InitProducerId(i) = alice.send(init(None), 4).await.body else { panic!() };
    assert_eq!(i.error_code, code(ErrorCode::ClusterAuthorizationFailed));
    cluster.add_acl("topic", "orders", "User:alice", "write", true);
    let Response::InitProducerId(i) = alice.send(init(None), 4).await.body else { panic!() };
    assert_eq!(i.error_code, 0, "WRITE on a topic allows idempotence");
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn without_sasl_the_principal_is_anonymous() {
    let cluster = FakeCluster::builder().topic("t", 1).authorizer(["User:admin"]).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let fetch = || common::fetch("t", 0, uuid::Uuid::nil());
    let Response::Fetch(f) = client.send(fetch(), 12).await.body else { panic!() };
    assert_eq!(f.responses[0].partitions[0].error_code, code(ErrorCode::TopicAuthorizationFailed));
    cluster.add_acl("topic", "t", "User:ANONYMOUS", "read", true);
    let Response::Fetch(f) = client.send(fetch(), 12).await.body else { panic!() };
    assert_eq!(f.responses[0].partitions[0].error_code, 0);
}
