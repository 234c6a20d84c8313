// The consumer group protocol of KIP-848 (group.protocol=consumer) with
// Kafka's own Java client (4.0 and later) against the fake broker, run by
// crates/integration/tests/fake_clients.rs:
//
//   java -cp "<kafka-clients and its dependencies>/*" FakeClusterConsumerProtocol.java BOOTSTRAP TOPIC GROUP RECORDS
//
// Creates TOPIC (4 partitions). Two consumers A and B join GROUP with the
// consumer protocol and wait until each owns two partitions (the broker's
// assignor splits them; B gets its two only after A revoked them). Then
// the first half of RECORDS is produced (round the partitions) and both
// consume it. B leaves; A must take over B's partitions and consume the
// second half. Each consumer commits after every record and checks, record
// by record, that the group's committed offset is the record's next one.
// Last, a member of GROUP-regex subscribes by a regular expression the
// broker resolves (SubscriptionPattern) and reads every record again.
//
// It prints "produced P OFFSET VALUE" for every acknowledged record,
// "consumed MEMBER P OFFSET VALUE" for every record consumed (the regex
// member's lines start "regex-consumed"), and
// "assigned MEMBER P,P,..." whenever a member's assignment changes. Every
// wait is bounded: a stuck client fails the run.
import java.time.Duration;
import java.util.*;
import java.util.stream.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.*;

public class FakeClusterConsumerProtocol {
    static final long WAIT_MS = 40_000;
    static final int PARTITIONS = 4;
    static String bootstrap, topic, group;
    static final Set<String> seen = new HashSet<>();
    /// The members in the group, whose partitions must never overlap.
    static final List<Member> live = new ArrayList<>();

    public static void main(String[] args) {
        try {
            bootstrap = args[0];
            topic = args[1];
            group = args[2];
            run(Integer.parseInt(args[3]));
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static Properties common() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("default.api.timeout.ms", "20000");
        p.put("request.timeout.ms", "10000");
        return p;
    }

    /// One member of the group, with what it owns.
    static class Member {
        final String name;
        final KafkaConsumer<String, String> consumer;
        Set<Integer> owned = new TreeSet<>();

        Member(String name) {
            this(name, group, null);
        }

        /// A member of `groupId`, subscribed to the topic by name, or by
        /// `regex` (resolved by the broker) when there is one.
        Member(String name, String groupId, String regex) {
            this.name = name;
            Properties p = common();
            p.put("group.id", groupId);
            p.put("group.protocol", "consumer");
            p.put("enable.auto.commit", "false");
            p.put("auto.offset.reset", "earliest");
            p.put("client.id", "member-" + name);
            p.put("key.deserializer", StringDeserializer.class.getName());
            p.put("value.deserializer", StringDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            if (regex == null) {
                consumer.subscribe(List.of(topic));
                live.add(this);
            } else {
                consumer.subscribe(new SubscriptionPattern(regex));
            }
        }

        /// Polls once; consumes and commits what it got, record by record.
        int poll() {
            int n = 0;
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                if (!seen.add(r.value())) {
                    throw new IllegalStateException(name + " consumed " + r.value() + " a second time");
                }
                System.out.println("consumed " + name + " " + r.partition() + " " + r.offset() + " " + r.value());
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
                OffsetAndMetadata committed = consumer.committed(Set.of(tp)).get(tp);
                if (committed == null || committed.offset() != r.offset() + 1) {
                    throw new IllegalStateException(name + " committed " + (r.offset() + 1) + " to " + tp
                            + ", the group has " + committed);
                }
                n++;
            }
            Set<Integer> now = consumer.assignment().stream().map(TopicPartition::partition)
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!now.equals(owned)) {
                owned = now;
                System.out.println("assigned " + name + " " + now.stream().map(String::valueOf)
                        .collect(Collectors.joining(",")));
            }
            // Revocation before assignment: a partition has one owner at a time.
            for (Member other : live) {
                if (other != this && !Collections.disjoint(owned, other.owned)) {
                    throw new IllegalStateException(name + " owns " + owned + " while " + other.name
                            + " still owns " + other.owned);
                }
            }
            return n;
        }
    }

    static void run(int records) throws Exception {
        try (Admin admin = Admin.create(common())) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        Member a = new Member("A");
        waitFor("A owns every partition", () -> a.poll() >= 0 && a.owned.size() == PARTITIONS);
        Member b = new Member("B");
        waitFor("A and B own two each", () -> a.poll() + b.poll() >= 0
                && a.owned.size() == 2 && b.owned.size() == 2 && Collections.disjoint(a.owned, b.owned));
        int half = records / 2;
        produce(0, half);
        int[] byA = {0}, byB = {0};
        waitFor("the first half consumed", () -> {
            byA[0] += a.poll();
            byB[0] += b.poll();
            return seen.size() == half;
        });
        if (byA[0] == 0 || byB[0] == 0) {
            throw new IllegalStateException("A consumed " + byA[0] + " and B " + byB[0] + ": both should have");
        }
        // B leaves the group; A takes over its partitions.
        b.consumer.close(Duration.ofSeconds(10));
        live.remove(b);
        System.out.println("left B");
        waitFor("A owns every partition again", () -> a.poll() >= 0 && a.owned.size() == PARTITIONS);
        produce(half, records);
        waitFor("the second half consumed by A", () -> a.poll() >= 0 && seen.size() == records);
        a.consumer.close(Duration.ofSeconds(10));
        live.remove(a);
        readByRegex(records);
        System.out.println("consumer protocol done");
    }

    /// A member subscribed by a regex that matches the topic's whole name
    /// (and one that only matches part of it, which must not count).
    static void readByRegex(int records) throws Exception {
        Member c = new Member("C", group + "-regex", topic.substring(0, 3) + ".*|" + topic.substring(1));
        Set<String> read = new HashSet<>();
        waitFor("C read every record", () -> {
            for (ConsumerRecord<String, String> r : c.consumer.poll(Duration.ofMillis(100))) {
                if (!read.add(r.value())) {
                    throw new IllegalStateException("C consumed " + r.value() + " a second time");
                }
                System.out.println("regex-consumed C " + r.partition() + " " + r.offset() + " " + r.value());
            }
            return read.size() == records;
        });
        c.consumer.close(Duration.ofSeconds(10));
    }

    static void produce(int from, int to) throws Exception {
        Properties p = common();
        p.put("acks", "all");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = from; i < to; i++) {
                RecordMetadata m = producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, "kip848-" + i)).get();
                System.out.println("produced " + m.partition() + " " + m.offset() + " kip848-" + i);
            }
        }
    }

    interface Check {
        boolean done() throws Exception;
    }

    static void waitFor(String what, Check check) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!check.done()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("timed out waiting until " + what);
            }
        }
    }
}
