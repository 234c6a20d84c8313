// A workload for Kafka's own Java client, run through the recording proxy by
// crates/integration/tests/proxy.rs: admin calls, a producer per codec, and
// consumers with the classic and the new group protocol.
//
//   java -cp "<kafka-clients and its dependencies>/*" ClientWorkload.java BOOTSTRAP TOPIC
import java.time.Duration;
import java.util.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.serialization.*;

public class ClientWorkload {
    static final String[] CODECS = {"none", "gzip", "snappy", "lz4", "zstd"};
    static final int PER_CODEC = 20;

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0], topic = args[1];
        Properties common = new Properties();
        common.put("bootstrap.servers", bootstrap);
        common.put("client.id", "java-workload");

        try (Admin admin = Admin.create(common)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            admin.describeCluster().nodes().get();
            admin.listTopics().names().get();
            admin.describeTopics(List.of(topic)).allTopicNames().get();
            admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic))).all().get();
        }
        System.out.println("admin: created " + topic);

        for (String codec : CODECS) {
            Properties p = new Properties();
            p.putAll(common);
            p.put("compression.type", codec);
            p.put("acks", "all");
            p.put("linger.ms", "5");
            try (Producer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < PER_CODEC; i++) {
                    ProducerRecord<String, String> r = new ProducerRecord<>(topic, "key-" + i, codec + " value " + i);
                    r.headers().add("codec", codec.getBytes()).add("codec", "again".getBytes());
                    producer.send(r);
                }
                producer.flush();
            }
            System.out.println("produced " + PER_CODEC + " records with " + codec);
        }

        int expected = CODECS.length * PER_CODEC;
        consume(common, topic, "classic", expected);
        consume(common, topic, "consumer", expected);

        try (Admin admin = Admin.create(common)) {
            admin.listConsumerGroups().all().get();
            admin.listConsumerGroupOffsets(topic + "-classic").partitionsToOffsetAndMetadata().get();
            admin.deleteTopics(List.of(topic)).all().get();
        }
        System.out.println("admin: deleted " + topic + "; workload done");
    }

    static void consume(Properties common, String topic, String protocol, int expected) {
        Properties c = new Properties();
        c.putAll(common);
        c.put("group.id", topic + "-" + protocol);
        c.put("group.protocol", protocol);
        c.put("auto.offset.reset", "earliest");
        c.put("enable.auto.commit", "false");
        int seen = 0;
        long deadline = System.currentTimeMillis() + 60_000;
        try (Consumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (seen < expected && System.currentTimeMillis() < deadline) {
                seen += consumer.poll(Duration.ofMillis(500)).count();
            }
            consumer.commitSync();
        }
        if (seen < expected) {
            throw new IllegalStateException(protocol + " consumer saw " + seen + " of " + expected + " records");
        }
        System.out.println(protocol + " consumer group read " + seen + " records");
    }
}
