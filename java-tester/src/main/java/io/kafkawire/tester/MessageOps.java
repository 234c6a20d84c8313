package io.kafkawire.tester;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.Readable;

/**
 * The cases of the cross-check that are not one value in both forms:
 *
 * <ul>
 *   <li>"inventory": every message class Kafka's jar holds, with the versions
 *       it declares, so the caller can check it covers exactly those;
 *   <li>"bytes": parse bytes with Kafka's class and serialize the result
 *       again (unknown tagged fields are kept and written back);
 *   <li>"write": build a message from JSON at one version and serialize it at
 *       another, to compare which values each side refuses to write.
 * </ul>
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
                case "bytes" -> bytes(request, answer);
                case "write" -> write(request, answer);
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
