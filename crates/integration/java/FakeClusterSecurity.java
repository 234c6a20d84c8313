// SASL SCRAM and ACLs with Kafka's own Java client against the fake
// broker, run by crates/integration/tests/fake_clients.rs:
//
//   java -cp "<kafka-clients and its dependencies>/*" FakeClusterSecurity.java BOOTSTRAP
//
// The broker knows the SCRAM-SHA-256 users admin (a super user) and alice,
// and the topics "allowed" and "denied". The admin logs in with SCRAM,
// gives alice WRITE on "allowed" with an ACL, lists the ACLs, and adds a
// SCRAM credential for carol (AlterUserScramCredentials). Then alice's
// producer writes to "allowed" and must be refused "denied" with a
// TopicAuthorizationException; carol logs in with the credential the admin
// set and is refused too, having no ACL
// (her producer is not idempotent: that needs IDEMPOTENT_WRITE or WRITE on
// some topic). Every wait is bounded.
//
// It prints "acls N", "produced allowed OFFSET", "denied alice CLASS" and
// "denied carol CLASS", then "security done".
import java.util.*;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.acl.*;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.*;
import org.apache.kafka.common.serialization.StringSerializer;

public class FakeClusterSecurity {
    public static void main(String[] args) {
        try {
            run(args[0]);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static Properties scram(String bootstrap, String user, String password) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "SCRAM-SHA-256");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        p.put("default.api.timeout.ms", "20000");
        p.put("request.timeout.ms", "10000");
        return p;
    }

    static Producer<String, String> producer(String bootstrap, String user, String password, boolean idempotent) {
        Properties p = scram(bootstrap, user, password);
        // Idempotence needs IDEMPOTENT_WRITE, or WRITE on some topic: carol has neither.
        p.put("enable.idempotence", Boolean.toString(idempotent));
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("max.block.ms", "15000");
        p.put("delivery.timeout.ms", "20000");
        return new KafkaProducer<>(p);
    }

    static void run(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(scram(bootstrap, "admin", "admin-secret"))) {
            ResourcePattern allowed = new ResourcePattern(ResourceType.TOPIC, "allowed", PatternType.LITERAL);
            admin.createAcls(List.of(new AclBinding(allowed,
                    new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
                    .all().get(20, TimeUnit.SECONDS);
            Collection<AclBinding> acls = admin.describeAcls(AclBindingFilter.ANY).values().get(20, TimeUnit.SECONDS);
            System.out.println("acls " + acls.size());
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("carol",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), "carol-secret")))
                    .all().get(20, TimeUnit.SECONDS);
            UserScramCredentialsDescription carol =
                    admin.describeUserScramCredentials(List.of("carol")).description("carol").get(20, TimeUnit.SECONDS);
            System.out.println("carol iterations " + carol.credentialInfos().get(0).iterations());
        }
        try (Producer<String, String> alice = producer(bootstrap, "alice", "alice-secret", true)) {
            RecordMetadata sent = alice.send(new ProducerRecord<>("allowed", "k", "v")).get(20, TimeUnit.SECONDS);
            System.out.println("produced allowed " + sent.offset());
            expectDenied("alice", alice);
        }
        try (Producer<String, String> carol = producer(bootstrap, "carol", "carol-secret", false)) {
            expectDenied("carol", carol);
        }
        System.out.println("security done");
    }

    static void expectDenied(String who, Producer<String, String> producer) throws Exception {
        try {
            producer.send(new ProducerRecord<>("denied", "k", "v")).get(20, TimeUnit.SECONDS);
            throw new AssertionError(who + " wrote to a topic it has no ACL for");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicAuthorizationException)) {
                throw e;
            }
            System.out.println("denied " + who + " " + e.getCause().getClass().getSimpleName());
        }
    }
}
