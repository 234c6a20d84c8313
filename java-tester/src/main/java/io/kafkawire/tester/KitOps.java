package io.kafkawire.tester;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.Readable;

/**
 * The "vector" op: one vector of the conformance kit (conformance/), checked
 * by Kafka's generated classes.
 *
 * <pre>
 * in:  {"id": 1, "op": "vector", "class": "MetadataRequestData", "version": 12,
 *       "hex": "...", "json": {...}, "unknownTaggedFields": false}
 * out: {"id": 1, "errors": [...], "json": {...}}
 * </pre>
 *
 * Java (1) parses "hex", using every byte, and (2) serializes the result to
 * exactly "hex" again (unknown tagged fields kept); (3) writes the parsed
 * message as JSON, for the caller to compare with the vector's; and, unless
 * the vector holds unknown tagged fields (which JSON has no form for), (4)
 * builds the message from "json" and serializes exactly "hex".
 */
final class KitOps {
    private KitOps() {}

    /**
     * The "refuse" op: one negative vector of the kit (conformance/negative/).
     *
     * <pre>
     * in:  {"id": 1, "op": "refuse", "class": "MetadataRequestData", "version": 12, "hex": "..."}
     * out: {"id": 1, "accepted": false, "exception": "BufferUnderflowException", "message": "..."}
     * </pre>
     *
     * Java parses "hex" with the generated class; "accepted" is true when it
     * did (with "remaining", the bytes it left unread), else "exception" is
     * the simple name of what its reader threw.
     */
    static void refuse(JsonNode request, ObjectNode answer) throws ReflectiveOperationException {
        JavaTester.Codec c = JavaTester.codec(request.get("class").asText());
        short version = (short) request.get("version").asInt();
        ByteBuffer buffer = ByteBuffer.wrap(HexFormat.of().parseHex(request.get("hex").asText()));
        try {
            c.data().getConstructor(Readable.class, short.class).newInstance(new ByteBufferAccessor(buffer), version);
            answer.put("accepted", true);
            answer.put("remaining", buffer.remaining());
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable thrown = e.getCause() == null ? e : e.getCause();
            answer.put("accepted", false);
            answer.put("exception", thrown.getClass().getSimpleName());
            answer.put("message", String.valueOf(thrown.getMessage()));
        }
    }

    /** The serde class Kafka reads each internal topic's records with. */
    private static final java.util.Map<String, String> STORED_SERDES = java.util.Map.of(
        "__consumer_offsets", "org.apache.kafka.coordinator.group.GroupCoordinatorRecordSerde",
        "__share_group_state", "org.apache.kafka.coordinator.share.ShareCoordinatorRecordSerde",
        "__transaction_state", "org.apache.kafka.coordinator.transaction.TransactionCoordinatorRecordSerde",
        "__cluster_metadata", "org.apache.kafka.metadata.MetadataRecordSerde");

    /**
     * The "stored" op: one stored vector of the kit (conformance/stored/),
     * read as its topic's records are, by Kafka's own serde of the topic
     * (called by reflection: only the pinned release's build has the server
     * modules).
     *
     * <pre>
     * in:  {"id": 1, "op": "stored", "topic": "__consumer_offsets", "keyHex": "...", "valueHex": "..." or null}
     * out: {"id": 1, "keyClass": "OffsetCommitKey", "keyJson": {...}, "valueClass": "OffsetCommitValue",
     *       "valueVersion": 3, "valueJson": {...}, "keyHex": "...", "valueHex": "..."}
     * </pre>
     *
     * The classes, version and JSON are what the serde read; "keyHex" and
     * "valueHex" are what it writes of that again. A metadata record has no
     * key; a tombstone no value.
     */
    static void stored(JsonNode request, ObjectNode answer) throws Exception {
        String serdeClass = STORED_SERDES.get(request.get("topic").asText());
        if (serdeClass == null) {
            answer.put("error", "no serde for topic " + request.get("topic"));
            return;
        }
        Object serde = Class.forName(serdeClass).getConstructor().newInstance();
        byte[] value = request.path("valueHex").isNull() ? null : HexFormat.of().parseHex(request.get("valueHex").asText());
        if (request.path("keyHex").isNull()) {
            ByteBuffer buffer = ByteBuffer.wrap(value);
            Object read = serde.getClass().getMethod("read", Readable.class, int.class)
                .invoke(serde, new ByteBufferAccessor(buffer), value.length);
            describeValue(read, answer);
            org.apache.kafka.common.protocol.ObjectSerializationCache cache = new org.apache.kafka.common.protocol.ObjectSerializationCache();
            int size = (int) serde.getClass().getMethod("recordSize", Object.class, cache.getClass()).invoke(serde, read, cache);
            ByteBuffer out = ByteBuffer.allocate(size);
            serde.getClass().getMethod("write", Object.class, cache.getClass(), org.apache.kafka.common.protocol.Writable.class)
                .invoke(serde, read, cache, new ByteBufferAccessor(out));
            answer.put("valueHex", HexFormat.of().formatHex(out.array()));
            return;
        }
        ByteBuffer key = ByteBuffer.wrap(HexFormat.of().parseHex(request.get("keyHex").asText()));
        Object record = serde.getClass().getMethod("deserialize", ByteBuffer.class, ByteBuffer.class)
            .invoke(serde, key, value == null ? null : ByteBuffer.wrap(value));
        Message keyMessage = (Message) record.getClass().getMethod("key").invoke(record);
        answer.put("keyClass", keyMessage.getClass().getSimpleName());
        answer.set("keyJson", (JsonNode) JavaTester.codec(keyMessage.getClass().getSimpleName()).write()
            .invoke(null, keyMessage, (short) 0));
        answer.put("keyHex", HexFormat.of().formatHex((byte[]) serde.getClass().getMethod("serializeKey", Object.class)
            .invoke(serde, record)));
        Object valueAndVersion = record.getClass().getMethod("value").invoke(record);
        if (valueAndVersion != null) {
            describeValue(valueAndVersion, answer);
            answer.put("valueHex", HexFormat.of().formatHex((byte[]) serde.getClass()
                .getMethod("serializeValue", Object.class).invoke(serde, record)));
        } else {
            answer.putNull("valueClass");
            answer.putNull("valueHex");
        }
    }

    /** A message and version (Kafka's ApiMessageAndVersion): its class, version and JSON. */
    private static void describeValue(Object messageAndVersion, ObjectNode answer) throws Exception {
        Message message = (Message) messageAndVersion.getClass().getMethod("message").invoke(messageAndVersion);
        short version = (short) messageAndVersion.getClass().getMethod("version").invoke(messageAndVersion);
        answer.put("valueClass", message.getClass().getSimpleName());
        answer.put("valueVersion", version);
        answer.set("valueJson", (JsonNode) JavaTester.codec(message.getClass().getSimpleName()).write()
            .invoke(null, message, version));
    }

    static void vector(JsonNode request, ObjectNode answer) {
        var errors = answer.putArray("errors");
        try {
            JavaTester.Codec c = JavaTester.codec(request.get("class").asText());
            short version = (short) request.get("version").asInt();
            byte[] bytes = HexFormat.of().parseHex(request.get("hex").asText());
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            Message parsed;
            try {
                parsed = (Message) c.data().getConstructor(Readable.class, short.class)
                    .newInstance(new ByteBufferAccessor(buffer), version);
            } catch (Throwable t) {
                errors.add("(1) Java could not parse the bytes: " + JavaTester.describe(t));
                return;
            }
            if (buffer.hasRemaining()) {
                errors.add("(1) Java left " + buffer.remaining() + " bytes unread");
            }
            byte[] again = JavaTester.serialize(parsed, version);
            int at = Arrays.mismatch(again, bytes);
            if (at >= 0) {
                errors.add("(2) Java wrote the parsed message back differently from offset " + at
                    + ": " + HexFormat.of().formatHex(again));
            }
            try {
                answer.set("json", (JsonNode) c.write().invoke(null, parsed, version));
            } catch (Throwable t) {
                errors.add("(3) Java could not write JSON: " + JavaTester.describe(t));
            }
            if (!request.path("unknownTaggedFields").asBoolean(false)) {
                try {
                    Message fromJson = (Message) c.read().invoke(null, request.get("json"), version);
                    byte[] written = JavaTester.serialize(fromJson, version);
                    int at4 = Arrays.mismatch(written, bytes);
                    if (at4 >= 0) {
                        errors.add("(4) Java wrote the vector's JSON differently from offset " + at4
                            + ": " + HexFormat.of().formatHex(written));
                    }
                } catch (Throwable t) {
                    errors.add("(4) Java could not read the vector's JSON: " + JavaTester.describe(t));
                }
            }
        } catch (Throwable t) {
            errors.add("tester: " + JavaTester.describe(t));
        }
    }
}
