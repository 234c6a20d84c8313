// A workload for Kafka's own Java client (2.1 and later) against the fake
// broker, run by crates/integration/tests/fake_clients.rs with the client of
// the release the fake broker speaks as:
//
//   java -cp "<kafka-clients and its dependencies>/*" FakeClusterWorkload.java BOOTSTRAP TOPIC [KEY=VALUE]...
//
//   admin=true           create TOPIC (3 partitions) with the admin client and
//                        describe the cluster, topics and configs
//   codecs=none,gzip,..  one producer per codec, in this order
//   per_codec=N          records per codec
//   idempotent=true      enable.idempotence (with acks=all either way)
//   group=NAME           consume in a group of three members that join and
//                        leave between the codecs' records; without it, one
//                        consumer assigned every partition
//   describe_group=false skip describeConsumerGroups at the end
//   group_protocol=consumer  the group's members speak KIP-848's consumer
//                        protocol (Java client 4.0 and later): the broker
//                        assigns, session and heartbeat times are its own
//   mode=follow          instead: one idempotent producer sending records=N,
//                        pace_ms apart, while a group consumer reads them
//                        (the test moves partition leaders meanwhile)
//
// It prints "produced P OFFSET VALUE" for every acknowledged record and
// "consumed MEMBER P OFFSET VALUE" for every record consumed, in the order
// consumed; the test compares both with the fake broker's logs. Every wait
// is bounded: a stuck client fails the run.
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.*;

public class FakeClusterWorkload {
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
        if (Boolean.parseBoolean(opt("admin", "false"))) {
            admin();
        }
        if (opt("mode", "").equals("follow")) {
            follow();
        } else {
            String group = opt("group", "");
            List<String> codecs = Arrays.asList(opt("codecs", "none").split(","));
            if (group.isEmpty()) {
                produce(codecs);
                Member solo = new Member("solo", null);
                solo.start();
                awaitConsumed("the assigned consumer");
                solo.stop();
            } else {
                groupWorkload(group, codecs);
            }
        }
        say("workload done");
    }

    static Properties common() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", "fake-workload");
        // A request the fake broker cannot answer fails the run soon, not after minutes of retries.
        p.put("default.api.timeout.ms", "20000");
        p.put("request.timeout.ms", "10000");
        return p;
    }

    /** Calls the first of `names` that `target` has (the admin API renamed some). */
    static Object call(Object target, String... names) throws Exception {
        for (String name : names) {
            try {
                Method m = target.getClass().getMethod(name);
                m.setAccessible(true);
                return m.invoke(target);
            } catch (NoSuchMethodException e) {
                // the next name
            }
        }
        throw new NoSuchMethodException(target.getClass() + " has none of " + Arrays.toString(names));
    }

    static void admin() throws Exception {
        try (Admin admin = Admin.create(common())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(20, TimeUnit.SECONDS);
            say("admin: cluster " + admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS)
                + " nodes " + admin.describeCluster().nodes().get(20, TimeUnit.SECONDS).size());
            Set<String> names = admin.listTopics().names().get(20, TimeUnit.SECONDS);
            if (!names.contains(topic)) {
                throw new IllegalStateException("listTopics does not list " + topic + ": " + names);
            }
            DescribeTopicsResult described = admin.describeTopics(List.of(topic));
            @SuppressWarnings("unchecked")
            Map<String, TopicDescription> topics =
                ((KafkaFuture<Map<String, TopicDescription>>) call(described, "allTopicNames", "all")).get(20, TimeUnit.SECONDS);
            int partitions = topics.get(topic).partitions().size();
            if (partitions != 3) {
                throw new IllegalStateException("describeTopics: " + partitions + " partitions");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(20, TimeUnit.SECONDS).get(resource);
            say("admin: " + topic + " has " + partitions + " partitions, cleanup.policy="
                + config.get("cleanup.policy").value());
        }
    }

    static Producer<String, String> producer(String codec) {
        Properties p = common();
        p.put("compression.type", codec);
        p.put("acks", "all");
        p.put("linger.ms", "5");
        p.put("enable.idempotence", opt("idempotent", "true"));
        p.put("delivery.timeout.ms", "30000");
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
                    r.headers().add("codec", codec.getBytes());
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
        volatile Set<TopicPartition> assignment = Set.of();
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
            if (group != null && opt("group_protocol", "classic").equals("consumer")) {
                c.put("group.id", group);
                c.put("group.protocol", "consumer");
            } else if (group != null) {
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
                    consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
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
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
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
    @SuppressWarnings({"removal", "deprecation"})
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

        try (Admin admin = Admin.create(common())) {
            Collection<ConsumerGroupListing> groups = admin.listConsumerGroups().all().get(20, TimeUnit.SECONDS);
            if (groups.stream().noneMatch(g -> g.groupId().equals(group))) {
                throw new IllegalStateException("listConsumerGroups does not list " + group + ": " + groups);
            }
            if (Boolean.parseBoolean(opt("describe_group", "true"))) {
                ConsumerGroupDescription description =
                    admin.describeConsumerGroups(List.of(group)).all().get(20, TimeUnit.SECONDS).get(group);
                say("admin: group " + group + " is " + description.state() + " with " + description.members().size() + " members");
            }
            Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
            for (Map.Entry<String, Long> e : new TreeMap<>(offsetsByName(offsets)).entrySet()) {
                say("committed " + e.getKey() + " " + e.getValue());
            }
        }
    }

    static Map<String, Long> offsetsByName(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<String, Long> out = new HashMap<>();
        offsets.forEach((tp, om) -> out.put(tp.toString(), om.offset()));
        return out;
    }

    /**
     * One idempotent producer sends records one by one while a group
     * consumer reads them; the test moves partition leaders meanwhile, and
     * both must follow.
     */
    static void follow() throws Exception {
        int records = Integer.parseInt(opt("records", "300"));
        long pace = Long.parseLong(opt("pace_ms", "10"));
        String group = opt("group", "");
        Member reader = new Member("reader", group.isEmpty() ? null : group);
        reader.start();
        await("the reader's assignment", () -> balanced(reader));
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (Producer<String, String> producer = producer(opt("codec", "none"))) {
            for (int i = 0; i < records; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, "key-" + i, "follow-" + i)));
                Thread.sleep(pace);
            }
            producer.flush();
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata m = sent.get(i).get(20, TimeUnit.SECONDS);
                say("produced " + m.partition() + " " + m.offset() + " follow-" + i);
                produced.incrementAndGet();
            }
        }
        awaitConsumed("the reader");
        reader.stop();
    }
}
