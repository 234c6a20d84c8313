// FakeClusterWorkload.java for Kafka's Java client of 0.10.2, which has
// no admin client, no idempotence, no record headers and no zstd, and
// polls with a timeout in milliseconds: a producer per codec and a group
// of three members that join and leave between the codecs' records, run
// by crates/integration/tests/fake_clients.rs against the 0.10.2 persona
// (the topic exists from the start).
//
//   java -cp "<kafka-clients 0.10.2 and its dependencies>/*" LegacyClientWorkload.java BOOTSTRAP TOPIC [KEY=VALUE]...
//
//   codecs=none,gzip,..  one producer per codec, in this order
//   per_codec=N          records per codec
//   group=NAME           the group the three members share
//
// It prints what FakeClusterWorkload.java prints.
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.*;

public class LegacyClientWorkload {
    static final long WAIT_MS = 40_000;
    static final Object OUT = new Object();
    static final AtomicInteger consumed = new AtomicInteger();
    static final AtomicInteger produced = new AtomicInteger();
    static Map<String, String> opts = new HashMap<>();
    static String bootstrap, topic;

    static void say(String line) {
        synchronized (OUT) {
            System.out.println(line);
            System.out.flush();
        }
    }

    static String opt(String key, String otherwise) {
        return opts.getOrDefault(key, otherwise);
    }

    public static void main(String[] args) {
        try {
            workload(args);
        } catch (Throwable t) {
            // The members' threads would keep the JVM alive: exit.
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static void workload(String[] args) throws Exception {
        bootstrap = args[0];
        topic = args[1];
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            opts.put(kv[0], kv[1]);
        }
        groupWorkload(opt("group", "legacy-group"), Arrays.asList(opt("codecs", "none").split(",")));
        say("workload done");
    }

    static Properties common() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", "fake-workload");
        p.put("request.timeout.ms", "15000");
        return p;
    }

    static Producer<String, String> producer(String codec) {
        Properties p = common();
        p.put("compression.type", codec);
        p.put("acks", "all");
        p.put("linger.ms", "5");
        p.put("retries", "3");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    static void produce(List<String> codecs) throws Exception {
        int perCodec = Integer.parseInt(opt("per_codec", "20"));
        for (String codec : codecs) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            List<String> values = new ArrayList<>();
            try (Producer<String, String> producer = producer(codec)) {
                for (int i = 0; i < perCodec; i++) {
                    String value = codec + "-" + i;
                    ProducerRecord<String, String> r = new ProducerRecord<>(topic, "key-" + i, value);
                    sent.add(producer.send(r));
                    values.add(value);
                }
                producer.flush();
                for (int i = 0; i < sent.size(); i++) {
                    RecordMetadata m = sent.get(i).get(20, TimeUnit.SECONDS);
                    say("produced " + m.partition() + " " + m.offset() + " " + values.get(i));
                    produced.incrementAndGet();
                }
            }
        }
    }

    static void awaitConsumed(String what) throws Exception {
        await(what + " to consume " + produced.get() + " records", () -> consumed.get() >= produced.get());
        // Anything more would be a record consumed twice.
        Thread.sleep(300);
        if (consumed.get() != produced.get()) {
            throw new IllegalStateException(what + ": consumed " + consumed.get() + " records, produced " + produced.get());
        }
    }

    static void await(String what, java.util.function.BooleanSupplier done) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new TimeoutException("timed out waiting for " + what);
            }
            for (Member m : Member.all) {
                if (m.failure != null) {
                    throw new IllegalStateException("member " + m.name + " failed", m.failure);
                }
            }
            Thread.sleep(20);
        }
    }

    /** One consumer, in its own thread: polls, prints, commits after every poll. */
    static class Member implements Runnable {
        static final List<Member> all = new CopyOnWriteArrayList<>();
        final String name, group;
        final Thread thread;
        volatile boolean stopping;
        volatile Set<TopicPartition> assignment = Collections.emptySet();
        volatile Throwable failure;

        Member(String name, String group) {
            this.name = name;
            this.group = group;
            this.thread = new Thread(this, name);
            all.add(this);
        }

        void start() {
            thread.start();
        }

        void stop() throws Exception {
            stopping = true;
            thread.join(WAIT_MS);
            if (thread.isAlive()) {
                throw new TimeoutException("member " + name + " did not stop");
            }
            all.remove(this);
            if (failure != null) {
                throw new IllegalStateException("member " + name + " failed", failure);
            }
        }

        public void run() {
            Properties c = common();
            c.put("client.id", "fake-workload-" + name);
            c.put("enable.auto.commit", "false");
            c.put("auto.offset.reset", "earliest");
            c.put("max.poll.records", "50");
            if (group != null) {
                c.put("group.id", group);
                c.put("session.timeout.ms", "10000");
                c.put("heartbeat.interval.ms", "500");
            }
            try (Consumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                if (group == null) {
                    List<TopicPartition> partitions = new ArrayList<>();
                    consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                } else {
                    consumer.subscribe(Collections.singletonList(topic), new ConsumerRebalanceListener() {
                        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                            say("revoked " + name + " " + revoked);
                            consumer.commitSync();
                        }

                        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                            say("assigned " + name + " " + assigned);
                        }
                    });
                }
                while (!stopping) {
                    ConsumerRecords<String, String> records = consumer.poll(100);
                    for (ConsumerRecord<String, String> r : records) {
                        say("consumed " + name + " " + r.partition() + " " + r.offset() + " " + r.value());
                        consumed.incrementAndGet();
                    }
                    if (group != null && !records.isEmpty()) {
                        consumer.commitSync();
                    }
                    assignment = new HashSet<>(consumer.assignment());
                }
            } catch (Throwable t) {
                failure = t;
                say("member " + name + " failed: " + t);
                t.printStackTrace();
            }
        }
    }

    /** Whether the members' assignments split the topic's three partitions among them, each getting some. */
    static boolean balanced(Member... members) {
        Set<TopicPartition> union = new HashSet<>();
        int total = 0;
        for (Member m : members) {
            Set<TopicPartition> a = m.assignment;
            if (a.isEmpty()) {
                return false;
            }
            union.addAll(a);
            total += a.size();
        }
        return union.size() == 3 && total == 3;
    }

    /**
     * The group's members come and go between the codecs' records: one
     * member reads the first codecs' records, two more join (a rebalance)
     * and read the next ones, one of them leaves (another rebalance) and the
     * other two read the rest.
     */
    static void groupWorkload(String group, List<String> codecs) throws Exception {
        // The codecs in three runs, as even as they go: codec i in run i * 3 / n.
        int n = codecs.size();
        List<String> first = codecs.subList(0, (n + 2) / 3);
        List<String> second = codecs.subList((n + 2) / 3, (2 * n + 2) / 3);
        List<String> third = codecs.subList((2 * n + 2) / 3, n);

        Member one = new Member("one", group);
        one.start();
        await("member one's assignment", () -> balanced(one));
        produce(first);
        awaitConsumed("member one");

        Member two = new Member("two", group), three = new Member("three", group);
        two.start();
        three.start();
        await("three members sharing the partitions", () -> balanced(one, two, three));
        say("rebalanced: one " + one.assignment + " two " + two.assignment + " three " + three.assignment);
        produce(second);
        awaitConsumed("three members");

        two.stop();
        say("member two left");
        await("two members sharing the partitions", () -> balanced(one, three));
        say("rebalanced: one " + one.assignment + " three " + three.assignment);
        produce(third);
        awaitConsumed("two members");
        one.stop();
        three.stop();
    }
}
