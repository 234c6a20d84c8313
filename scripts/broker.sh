#!/usr/bin/env bash
# Starts and stops a single-node Kafka broker (KRaft, combined broker and
# controller) from Maven Central jars, on 127.0.0.1 at free ports.
#
#   scripts/broker.sh start DIR   start a broker whose state, logs and
#                                 broker.env (its addresses) live in DIR
#   scripts/broker.sh stop DIR    stop it (SIGTERM, then SIGKILL after 30 s)
#   scripts/broker.sh logs DIR    print its log
#
# Listeners: PLAINTEXT (anonymous, a super user) and SASL_PLAINTEXT with
# PLAIN (admin/admin-secret, alice/alice-secret) and SCRAM-SHA-256
# (alice/alice-secret). The StandardAuthorizer is on; only User:ANONYMOUS and
# User:admin are super users, so alice needs ACLs. A third listener,
# PROXIED, advertises KAFKA_WIRE_PROXY (a port nothing listens on yet): a
# proxy started there sees every connection a client makes through it.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
version=${KAFKA_WIRE_BROKER_VERSION:-$(tr -d '[:space:]' < "$repo_root/kafka-version")}
libs="$repo_root/.cache/broker/$version/libs"

fetch_jars() {
    # The marker names the pom it was fetched for: a changed pom refetches.
    local marker
    marker="$libs/.complete-$(sha1sum "$repo_root/broker/pom.xml" | cut -c1-12)"
    if [[ -f "$marker" ]]; then return; fi
    "$repo_root/scripts/ensure-tools.sh"
    rm -rf "$libs"
    mkdir -p "$libs"
    mvn -q -B --strict-checksums -f "$repo_root/broker/pom.xml" dependency:copy-dependencies \
        -Dkafka.version="$version" -DincludeScope=runtime -DoutputDirectory="$libs" >&2
    touch "$marker"
}

# N distinct free ports: all held open until all are chosen, so that the
# kernel cannot hand out the same one twice.
free_ports() {
    python3 -c '
import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))
for s in held:
    s.close()
' "$1"
}

java_opts() {
    echo "-Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
        -Dlog4j2.configurationFile=$repo_root/broker/log4j2.properties -Dkafka.logs.dir=$1"
}

start() {
    local dir=$1
    fetch_jars
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    local port sasl_port controller_port proxied_port proxy_port
    read -r port sasl_port controller_port proxied_port proxy_port < <(free_ports 5)
    cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,SASL_PLAINTEXT://127.0.0.1:$sasl_port,PROXIED://127.0.0.1:$proxied_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port,SASL_PLAINTEXT://127.0.0.1:$sasl_port,PROXIED://127.0.0.1:$proxy_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,PROXIED:PLAINTEXT,CONTROLLER:PLAINTEXT
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_alice="alice-secret";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS;User:admin
log.dirs=$dir/data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
# A metadata snapshot every few seconds (when there is something new), so
# that the stored-records tests find one beside the metadata log.
metadata.log.max.snapshot.interval.ms=3000
PROPS
    local cluster_id
    # Random base64url: it may start with "-", hence --cluster-id=VALUE below.
    cluster_id=$(python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("="))')
    # shellcheck disable=SC2046
    java $(java_opts "$dir") -cp "$libs/*" kafka.tools.StorageTool format \
        --cluster-id="$cluster_id" -c "$dir/server.properties" \
        --add-scram 'SCRAM-SHA-256=[name=alice,password=alice-secret]' > "$dir/format.log" 2>&1 \
        || { cat "$dir/format.log" >&2; exit 1; }
    # shellcheck disable=SC2046
    nohup java $(java_opts "$dir") -cp "$libs/*" kafka.Kafka "$dir/server.properties" \
        > "$dir/stdout.log" 2>&1 &
    echo $! > "$dir/broker.pid"
    cat > "$dir/broker.env" <<ENV
KAFKA_WIRE_BROKER=127.0.0.1:$port
KAFKA_WIRE_BROKER_SASL=127.0.0.1:$sasl_port
KAFKA_WIRE_BROKER_PROXIED=127.0.0.1:$proxied_port
KAFKA_WIRE_PROXY=127.0.0.1:$proxy_port
KAFKA_WIRE_BROKER_LIBS=$libs
KAFKA_WIRE_BROKER_DIR=$dir
ENV
    local deadline=$((SECONDS + ${KAFKA_WIRE_BROKER_START_TIMEOUT:-120}))
    until grep -q "Kafka Server started" "$dir/server.log" 2>/dev/null; do
        if ! kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null; then
            echo "the broker exited during start-up; its logs:" >&2
            logs "$dir" >&2
            exit 1
        fi
        if ((SECONDS > deadline)); then
            echo "the broker did not start within the timeout; its logs:" >&2
            logs "$dir" >&2
            stop "$dir"
            exit 1
        fi
        sleep 0.5
    done
    echo "broker $version up: PLAINTEXT 127.0.0.1:$port, SASL_PLAINTEXT 127.0.0.1:$sasl_port ($dir)" >&2
}

stop() {
    local dir=$1
    [[ -f "$dir/broker.pid" ]] || return 0
    local pid
    pid=$(cat "$dir/broker.pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/broker.pid"
}

logs() {
    local dir=$1
    for f in format.log stdout.log server.log; do
        if [[ -f "$dir/$f" ]]; then
            echo "----- $f (last 200 lines)"
            tail -n 200 "$dir/$f"
        fi
    done
}

case "${1:-}" in
    start) start "${2:?usage: broker.sh start DIR}" ;;
    stop) stop "${2:?usage: broker.sh stop DIR}" ;;
    logs) logs "${2:?usage: broker.sh logs DIR}" ;;
    fetch) fetch_jars ;;
    *) echo "usage: broker.sh start|stop|logs DIR | fetch" >&2; exit 2 ;;
esac
