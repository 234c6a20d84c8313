// Transactions with Kafka's own Java client (3.0 and later) against the fake
// broker, run by crates/integration/tests/fake_clients.rs:
//
//   java -cp "<kafka-clients and its dependencies>/*" FakeClusterTransactions.java BOOTSTRAP TOPIC TRANSACTIONS
//
// Creates TOPIC (3 partitions), then one transactional producer runs
// TRANSACTIONS transactions of a record per partition each: the even ones
// committed, the odd ones aborted; the committed ones also commit the
// group "txn-group"'s offset of partition 0 (sendOffsetsToTransaction) to
// the transaction's number. Then a read_committed and a read_uncommitted
// consumer read every partition from the start to its end.
//
// It prints "sent commit|abort P VALUE" for every record sent and
// "read committed|uncommitted P OFFSET VALUE" for every record read, and
// checks record by record that read_committed saw exactly the committed
// records and read_uncommitted every record, in order per partition. Every
// wait is bounded: a stuck client fails the run.
import java.time.Duration;
import java.util.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.*;

public class FakeClusterTransactions {
    static final long WAIT_MS = 40_000;
    static final int PARTITIONS = 3;

    public static void main(String[] args) {
        try {
            run(args[0], args[1], Integer.parseInt(args[2]));
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static Properties common(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("default.api.timeout.ms", "20000");
        p.put("request.timeout.ms", "10000");
        return p;
    }

    static void run(String bootstrap, String topic, int transactions) throws Exception {
        try (Admin admin = Admin.create(common(bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        // Per partition: what each isolation level must read, in order.
        List<List<String>> committed = new ArrayList<>();
        List<List<String>> all = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            committed.add(new ArrayList<>());
            all.add(new ArrayList<>());
        }
        Properties pp = common(bootstrap);
        pp.put("transactional.id", "fake-txn-producer");
        pp.put("acks", "all");
        pp.put("key.serializer", StringSerializer.class.getName());
        pp.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
            producer.initTransactions();
            for (int t = 0; t < transactions; t++) {
                boolean commit = t % 2 == 0;
                producer.beginTransaction();
                for (int p = 0; p < PARTITIONS; p++) {
                    String value = "txn-" + t + "-p" + p;
                    producer.send(new ProducerRecord<>(topic, p, null, value)).get();
                    System.out.println("sent " + (commit ? "commit " : "abort ") + p + " " + value);
                    all.get(p).add(value);
                    if (commit) {
                        committed.get(p).add(value);
                    }
                }
                if (commit) {
                    Map<TopicPartition, OffsetAndMetadata> offsets =
                            Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(t));
                    producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata("txn-group"));
                    producer.commitTransaction();
                } else {
                    producer.abortTransaction();
                }
            }
        }
        check("committed", bootstrap, topic, committed);
        check("uncommitted", bootstrap, topic, all);
        System.out.println("transactions done");
    }

    static void check(String isolation, String bootstrap, String topic, List<List<String>> expected)
            throws Exception {
        Properties cp = common(bootstrap);
        cp.put("isolation.level", "read_" + isolation);
        cp.put("enable.auto.commit", "false");
        cp.put("key.deserializer", StringDeserializer.class.getName());
        cp.put("value.deserializer", StringDeserializer.class.getName());
        List<List<String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
                read.add(new ArrayList<>());
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (true) {
                boolean done = true;
                for (TopicPartition tp : partitions) {
                    if (consumer.position(tp) < ends.get(tp)) {
                        done = false;
                    }
                }
                if (done) {
                    break;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("read_" + isolation + " did not reach " + ends);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    System.out.println("read " + isolation + " " + r.partition() + " " + r.offset() + " " + r.value());
                    read.get(r.partition()).add(r.value());
                }
            }
        }
        if (!read.equals(expected)) {
            throw new IllegalStateException("read_" + isolation + " read " + read + ", expected " + expected);
        }
    }
}
