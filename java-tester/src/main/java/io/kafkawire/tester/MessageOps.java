package io.kafkawire.tester;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.Readable;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * The cases of the cross-check that are not one value in both forms:
 *
 * <ul>
 *   <li>"inventory": every message class Kafka's jar holds, with the versions
 *       it declares, so the caller can check it covers exactly those;
 *   <li>"bytes": parse bytes with Kafka's class and serialize the result
 *       again (unknown tagged fields are kept and written back);
 *   <li>"write": build a message from JSON at one version and serialize it at
 *       another, to compare which values each side refuses to write;
 *   <li>"parseRequest" / "parseResponse": read a whole frame (no size prefix)
 *       the way Kafka's broker reads a request and its client a response:
 *       whether the generated data class accepted the bytes, how many bytes
 *       it left unread, what it read (the header's fields, the body
 *       serialized again), and whether Kafka's request or response class
 *       then refused the content;
 *   <li>"vector": one vector of the conformance kit, "refuse": one of its
 *       negative vectors, "stored": one of its stored vectors ({@link KitOps}).
 * </ul>
 *
 * <p>Built against each Kafka release the library covers; the few calls whose
 * signatures changed between them are made by reflection.
 */
final class MessageOps {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PACKAGE = "org.apache.kafka.common.message.";

    static ObjectNode handle(JsonNode request) {
        ObjectNode answer = MAPPER.createObjectNode();
        answer.set("id", request.get("id"));
        try {
            switch (request.get("op").asText()) {
                case "inventory" -> inventory(answer);
                case "storedInventory" -> storedInventory(answer);
                case "bytes" -> bytes(request, answer);
                case "write" -> write(request, answer);
                case "parseRequest" -> parseRequest(request, answer);
                case "parseResponse" -> parseResponse(request, answer);
                case "vector" -> KitOps.vector(request, answer);
                case "refuse" -> KitOps.refuse(request, answer);
                case "stored" -> KitOps.stored(request, answer);
                default -> answer.put("error", "unknown op " + request.get("op"));
            }
        } catch (Throwable t) {
            answer.put("error", JavaTester.describe(t));
        }
        return answer;
    }

    /** Every top-level message class of the package: the classes that declare their version range. */
    private static void inventory(ObjectNode answer) throws Exception {
        String jar = Message.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        TreeSet<String> names = new TreeSet<>();
        try (JarFile file = new JarFile(jar)) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                String prefix = PACKAGE.replace('.', '/');
                if (name.startsWith(prefix) && name.endsWith(".class") && !name.contains("$")
                        && name.indexOf('/', prefix.length()) < 0) {
                    names.add(name.substring(prefix.length(), name.length() - ".class".length()));
                }
            }
        }
        ArrayNode classes = answer.putArray("classes");
        for (String name : names) {
            Class<?> c = Class.forName(PACKAGE + name);
            if (!Message.class.isAssignableFrom(c)) continue;
            ObjectNode entry = classes.addObject();
            entry.put("class", name);
            entry.put("lowest", staticShort(c, "LOWEST_SUPPORTED_VERSION"));
            entry.put("highest", staticShort(c, "HIGHEST_SUPPORTED_VERSION"));
        }
        // Per API: its body classes and, when the release marks its latest
        // version unstable, that version (a later release may redefine it).
        ArrayNode apis = answer.putArray("apis");
        for (ApiMessageType type : ApiMessageType.values()) {
            String requestClass;
            String responseClass;
            try {
                requestClass = type.newRequest().getClass().getSimpleName();
                responseClass = type.newResponse().getClass().getSimpleName();
            } catch (UnsupportedVersionException removed) {
                continue; // an API this release removed (its spec has no versions)
            }
            ObjectNode entry = apis.addObject();
            entry.put("key", type.apiKey());
            entry.put("request", requestClass);
            entry.put("response", responseClass);
            entry.put("unstableLatest", type.latestVersionUnstable() ? type.highestSupportedVersion(true) : -1);
        }
    }

    /**
     * The message classes of the server modules' generated packages (the
     * schemas of what Kafka stores), with their versions; empty in a build
     * without them.
     */
    private static void storedInventory(ObjectNode answer) throws Exception {
        ArrayNode classes = answer.putArray("classes");
        for (String pkg : JavaTester.PACKAGES.subList(1, JavaTester.PACKAGES.size())) {
            String dir = pkg.replace('.', '/');
            Enumeration<java.net.URL> roots = MessageOps.class.getClassLoader().getResources(dir);
            while (roots.hasMoreElements()) {
                String path = roots.nextElement().getPath();
                String jar = path.substring("file:".length(), path.indexOf('!'));
                try (JarFile file = new JarFile(java.net.URLDecoder.decode(jar, "UTF-8"))) {
                    Enumeration<JarEntry> entries = file.entries();
                    while (entries.hasMoreElements()) {
                        String name = entries.nextElement().getName();
                        if (!name.startsWith(dir) || !name.endsWith(".class") || name.contains("$")
                                || name.indexOf('/', dir.length()) >= 0) continue;
                        Class<?> c = Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                        if (!Message.class.isAssignableFrom(c) || c.isInterface()) continue;
                        ObjectNode entry = classes.addObject();
                        entry.put("class", c.getSimpleName());
                        entry.put("lowest", staticShort(c, "LOWEST_SUPPORTED_VERSION"));
                        entry.put("highest", staticShort(c, "HIGHEST_SUPPORTED_VERSION"));
                    }
                }
            }
        }
    }

    /**
     * A request frame as the broker reads it: the header, then the body from
     * what follows. "accepted" is the generated data class's verdict (the
     * wire format); "semanticError" is set when the data parsed but Kafka's
     * request class then refused its content.
     */
    private static void parseRequest(JsonNode request, ObjectNode answer) {
        ByteBuffer buffer = ByteBuffer.wrap(HexFormat.of().parseHex(request.get("hex").asText()));
        try {
            RequestHeader header = RequestHeader.parse(buffer);
            Class<?> data = ApiMessageType.fromApiKey(header.apiKey().id).newRequest().getClass();
            answer.put("bodyOffset", buffer.position());
            // The body is read from a copy: what it leaves unread is the
            // copy's remainder, and the request class reads the original.
            ByteBuffer body = buffer.duplicate();
            Message message = parseData(data, header.apiVersion(), body);
            answer.put("accepted", true);
            answer.put("remaining", body.remaining());
            ObjectNode read = answer.putObject("header");
            read.put("correlationId", header.correlationId());
            read.put("clientId", header.data().clientId());
            unknownTags(read, header.data().unknownTaggedFields());
            reserialize(answer, message, header.apiVersion());
            try {
                invokeParse(AbstractRequest.class, "parseRequest", header.apiKey(), header.apiVersion(), buffer, true);
            } catch (Throwable t) {
                answer.put("semanticError", JavaTester.describe(t));
            }
        } catch (Throwable t) {
            answer.put("accepted", false);
            answer.put("error", JavaTester.describe(t));
        }
    }

    /** A response frame as the client reads it, for a request of "apiKey" at "version" (verdicts as above). */
    private static void parseResponse(JsonNode request, ObjectNode answer) {
        ByteBuffer buffer = ByteBuffer.wrap(HexFormat.of().parseHex(request.get("hex").asText()));
        try {
            ApiKeys apiKey = ApiKeys.forId(request.get("apiKey").asInt());
            short version = (short) request.get("version").asInt();
            ResponseHeader header = ResponseHeader.parse(buffer, apiKey.responseHeaderVersion(version));
            answer.put("bodyOffset", buffer.position());
            Class<?> data = ApiMessageType.fromApiKey(apiKey.id).newResponse().getClass();
            ByteBuffer body = buffer.duplicate();
            Message message;
            try {
                message = parseData(data, version, body);
            } catch (Throwable t) {
                // The client reads an ApiVersions response it cannot read at
                // the version asked for again as v0 (a broker that does not
                // speak that version answers in v0).
                if (apiKey != ApiKeys.API_VERSIONS || version == 0) throw t;
                version = 0;
                body = buffer.duplicate();
                message = parseData(data, version, body);
            }
            answer.put("accepted", true);
            answer.put("version", version);
            answer.put("remaining", body.remaining());
            ObjectNode read = answer.putObject("header");
            read.put("correlationId", header.correlationId());
            unknownTags(read, header.data().unknownTaggedFields());
            reserialize(answer, message, version);
            try {
                invokeParse(AbstractResponse.class, "parseResponse", apiKey, version, buffer, false);
            } catch (Throwable t) {
                answer.put("semanticError", JavaTester.describe(t));
            }
        } catch (Throwable t) {
            answer.put("accepted", false);
            answer.put("error", JavaTester.describe(t));
        }
    }

    /**
     * What the body was read as, for the caller to compare with its own
     * reading: the message serialized again ("bodyHex"), or why Kafka's
     * writer refused it ("serializeError"), and whether a string it read
     * holds a replacement character ("readReplacementCharacter").
     */
    private static void reserialize(ObjectNode answer, Message message, short version) {
        // Kafka reads a string's bytes with replacement characters; whether
        // it did is known from the message itself, even when its writer then
        // refuses the message (the generated toString names every field).
        answer.put("readReplacementCharacter", message.toString().indexOf('\uFFFD') >= 0);
        try {
            answer.put("bodyHex", HexFormat.of().formatHex(JavaTester.serialize(message, version)));
        } catch (Throwable t) {
            answer.put("serializeError", JavaTester.describe(t));
        }
    }

    /** A header's unknown tagged fields, in the order they were read: [tag, hex] pairs. */
    private static void unknownTags(ObjectNode out, java.util.List<RawTaggedField> fields) {
        ArrayNode tags = out.putArray("unknownTags");
        if (fields == null) return;
        for (RawTaggedField field : fields) {
            ArrayNode pair = tags.addArray();
            pair.add(field.tag());
            pair.add(HexFormat.of().formatHex(field.data()));
        }
    }

    /** Reads a body with the generated data class, as the request and response classes do first. */
    private static Message parseData(Class<?> data, short version, ByteBuffer buffer) throws Throwable {
        try {
            return (Message) data.getConstructor(Readable.class, short.class)
                .newInstance(new ByteBufferAccessor(buffer), version);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Calls AbstractRequest.parseRequest(apiKey, version, body) or
     * AbstractResponse.parseResponse(apiKey, body, version), whose body
     * parameter is a ByteBuffer up to Kafka 3.9 and a Readable from 4.0.
     */
    private static void invokeParse(Class<?> owner, String name, ApiKeys apiKey, short version, ByteBuffer buffer,
            boolean versionFirst) throws Throwable {
        for (Method m : owner.getMethods()) {
            Class<?>[] p = m.getParameterTypes();
            if (!m.getName().equals(name) || p.length != 3 || p[0] != ApiKeys.class) continue;
            Class<?> body = versionFirst ? p[2] : p[1];
            Object arg = body == ByteBuffer.class ? buffer : new ByteBufferAccessor(buffer);
            m.invoke(null, apiKey, versionFirst ? version : arg, versionFirst ? arg : version);
            return;
        }
        throw new IllegalStateException("no " + name + " in " + owner);
    }

    private static short staticShort(Class<?> c, String name) throws ReflectiveOperationException {
        Field field = c.getField(name);
        if (!Modifier.isStatic(field.getModifiers())) throw new IllegalStateException(name + " is not static");
        return field.getShort(null);
    }

    /** Parses "hex" at "version" and serializes what was read. */
    private static void bytes(JsonNode request, ObjectNode answer) throws Exception {
        JavaTester.Codec c = JavaTester.codec(request.get("class").asText());
        short version = (short) request.get("version").asInt();
        ByteBuffer buffer = ByteBuffer.wrap(HexFormat.of().parseHex(request.get("hex").asText()));
        Message message = (Message) c.data().getConstructor(Readable.class, short.class)
            .newInstance(new ByteBufferAccessor(buffer), version);
        if (buffer.hasRemaining()) {
            answer.put("error", "Java left " + buffer.remaining() + " bytes unread");
            return;
        }
        answer.put("javaHex", HexFormat.of().formatHex(JavaTester.serialize(message, version)));
    }

    /** Builds the message from "json" read at "jsonVersion" and writes it at "version". */
    private static void write(JsonNode request, ObjectNode answer) throws Exception {
        JavaTester.Codec c = JavaTester.codec(request.get("class").asText());
        short jsonVersion = (short) request.get("jsonVersion").asInt();
        short version = (short) request.get("version").asInt();
        Message message = (Message) c.read().invoke(null, request.get("json"), jsonVersion);
        try {
            answer.put("javaHex", HexFormat.of().formatHex(JavaTester.serialize(message, version)));
        } catch (Throwable t) {
            answer.put("refused", JavaTester.describe(t));
        }
    }
}
