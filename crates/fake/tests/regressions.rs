//! Bugs real clients found in the fake broker, each pinned by the request
//! that showed it (crates/integration/tests/fake_clients.rs runs the
//! clients themselves).

use futures_util::{SinkExt, StreamExt};
use kafka_wire::messages::*;
use kafka_wire::tokio::ClientCodec;
use kafka_wire::{ApiKey, Request, Response, ResponseFrame};
use kafka_wire_fake::FakeCluster;
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

struct Client {
    conn: Framed<TcpStream, ClientCodec>,
}

impl Client {
    async fn connect(cluster: &FakeCluster) -> Client {
        let stream = TcpStream::connect(cluster.addresses()[0]).await.expect("connect");
        Client { conn: Framed::new(stream, ClientCodec::new()) }
    }

    async fn send(&mut self, request: impl Into<Request>, version: i16) -> ResponseFrame {
        let frame = self.conn.codec_mut().connection().frame(request, version);
        self.conn.send(frame).await.expect("send");
        self.conn.next().await.expect("a response, not a closed connection").expect("a valid response")
    }
}

fn no_problems(cluster: &FakeCluster) {
    assert!(cluster.problems().is_empty(), "{:#?}", cluster.problems());
}

/// librdkafka's consumer asks ListOffsets v2 for the earliest offset: the
/// answer carried the partition's leader epoch, a field of v4 and later,
/// so it could not be encoded and the connection was closed.
#[tokio::test]
async fn list_offsets_before_v4_carries_no_leader_epoch() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(&cluster).await;
    for version in ApiKey::ListOffsets.valid_versions().iter() {
        let request = ListOffsetsRequest {
            replica_id: -1,
            topics: vec![list_offsets_request::ListOffsetsTopic {
                name: "t".into(),
                partitions: vec![list_offsets_request::ListOffsetsPartition {
                    partition_index: 0,
                    timestamp: -2,
                    max_num_offsets: 1,
                    current_leader_epoch: -1,
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let Response::ListOffsets(response) = client.send(request, version).await.body else { panic!() };
        let p = &response.topics[0].partitions[0];
        assert_eq!(p.error_code, 0, "ListOffsets v{version}");
        assert_eq!(p.leader_epoch, if version >= 4 { 0 } else { -1 }, "ListOffsets v{version}");
    }
    no_problems(&cluster);
}
