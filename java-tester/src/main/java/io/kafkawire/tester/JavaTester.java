package io.kafkawire.tester;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Readable;

/**
 * Reads one test case per line on stdin and answers one line on stdout:
 *
 * <pre>
 * in:  {"id": 1, "class": "MetadataRequestData", "version": 12, "hex": "...", "json": {...}}
 * out: {"id": 1, "errors": [...], "javaHex": "...", "json": {...}}
 * </pre>
 *
 * For each case: (1) build the message from the JSON with Kafka's generated
 * converter and serialize it: the bytes must equal "hex"; (2) parse "hex"
 * with Kafka's generated class: it must equal (1) and use every byte; (3)
 * write (2) back as JSON, for the caller to compare with its own value.
 * Cases with an "op" are RecordsOps' and {@link MessageOps}'.
 */
public final class JavaTester {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * Where Kafka's generator puts the classes: the protocol's, then the
     * server modules' schemas of what Kafka stores (the pinned release's
     * build has them on its classpath).
     */
    static final List<String> PACKAGES = List.of(
        "org.apache.kafka.common.message.",
        "org.apache.kafka.common.metadata.",
        "org.apache.kafka.raft.generated.",
        "org.apache.kafka.coordinator.group.generated.",
        "org.apache.kafka.coordinator.share.generated.",
        "org.apache.kafka.coordinator.transaction.generated.",
        "org.apache.kafka.server.log.remote.metadata.storage.generated.");
    private static final Map<String, Codec> CODECS = new HashMap<>();

    record Codec(Class<?> data, Method read, Method write) {}

    static Codec codec(String className) throws ReflectiveOperationException {
        Codec c = CODECS.get(className);
        if (c == null) {
            String pkg = packageOf(className);
            Class<?> data = Class.forName(pkg + className);
            Class<?> converter = Class.forName(pkg + className + "JsonConverter");
            c = new Codec(data, converter.getMethod("read", JsonNode.class, short.class),
                converter.getMethod("write", data, short.class));
            CODECS.put(className, c);
        }
        return c;
    }

    /** The first package of {@link #PACKAGES} that holds the class. */
    static String packageOf(String className) throws ClassNotFoundException {
        for (String pkg : PACKAGES) {
            try {
                Class.forName(pkg + className);
                return pkg;
            } catch (ClassNotFoundException e) {
                // try the next package
            }
        }
        throw new ClassNotFoundException(className + " in " + PACKAGES);
    }

    static byte[] serialize(Message message, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = message.size(cache, version);
        ByteBuffer buffer = ByteBuffer.allocate(size);
        message.write(new ByteBufferAccessor(buffer), cache, version);
        return buffer.array();
    }

    static String describe(Throwable t) {
        while (t instanceof InvocationTargetException && t.getCause() != null) t = t.getCause();
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** The ops of {@code RecordsOps}, which is built only against the pinned release. */
    private static final java.util.Set<String> RECORDS_OPS = java.util.Set.of("build", "read");

    /**
     * {@code RecordsOps.handle}, called by name: RecordsOps uses record classes
     * that only the pinned release has, so builds for older releases leave it
     * out (see scripts/java-tester.sh).
     */
    private static ObjectNode recordsOps(JsonNode request) {
        try {
            Method handle = Class.forName("io.kafkawire.tester.RecordsOps").getDeclaredMethod("handle", JsonNode.class);
            return (ObjectNode) handle.invoke(null, request);
        } catch (Throwable t) {
            ObjectNode answer = MAPPER.createObjectNode();
            answer.set("id", request.get("id"));
            answer.put("error", "records ops are not in this build: " + describe(t));
            return answer;
        }
    }

    static ObjectNode check(JsonNode request) {
        ObjectNode answer = MAPPER.createObjectNode();
        answer.set("id", request.get("id"));
        ArrayNode errors = answer.putArray("errors");
        try {
            Codec c = codec(request.get("class").asText());
            short version = (short) request.get("version").asInt();
            byte[] rustBytes = HexFormat.of().parseHex(request.get("hex").asText());

            Message fromJson = null;
            try {
                fromJson = (Message) c.read().invoke(null, request.get("json"), version);
                byte[] javaBytes = serialize(fromJson, version);
                answer.put("javaHex", HexFormat.of().formatHex(javaBytes));
                int at = java.util.Arrays.mismatch(javaBytes, rustBytes);
                if (at >= 0) {
                    errors.add("(1) bytes differ at offset " + at + " (java " + javaBytes.length
                        + " bytes, rust " + rustBytes.length + " bytes)");
                }
            } catch (Throwable t) {
                errors.add("(1) Java could not build the message from Rust's JSON: " + describe(t));
            }

            Message fromBytes;
            ByteBuffer buffer = ByteBuffer.wrap(rustBytes);
            try {
                fromBytes = (Message) c.data().getConstructor(Readable.class, short.class)
                    .newInstance(new ByteBufferAccessor(buffer), version);
            } catch (Throwable t) {
                errors.add("(2) Java could not parse Rust's bytes: " + describe(t));
                return answer;
            }
            if (buffer.hasRemaining()) {
                errors.add("(2) Java left " + buffer.remaining() + " of Rust's bytes unread");
            }
            if (fromJson != null && !fromBytes.equals(fromJson)) {
                errors.add("(2) the message parsed from Rust's bytes differs from the one built from Rust's JSON:\n  bytes: "
                    + fromBytes + "\n  json:  " + fromJson);
            }
            try {
                answer.set("json", (JsonNode) c.write().invoke(null, fromBytes, version));
            } catch (Throwable t) {
                errors.add("(3) Java could not write JSON: " + describe(t));
            }
        } catch (Throwable t) {
            errors.add("tester: " + describe(t));
        }
        return answer;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("{\"ready\": true}");
        out.flush();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) continue;
            JsonNode request = MAPPER.readTree(line);
            ObjectNode answer;
            if (!request.has("op")) {
                answer = check(request);
            } else if (RECORDS_OPS.contains(request.get("op").asText())) {
                answer = recordsOps(request);
            } else {
                answer = MessageOps.handle(request);
            }
            out.println(MAPPER.writeValueAsString(answer));
            out.flush();
        }
    }
}
