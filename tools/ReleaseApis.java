// Prints, as JSON, every api one Kafka release defines and the version ranges
// its brokers advertise in ApiVersions with their default configuration.
//
//   java -cp JARS tools/ReleaseApis.java RELEASE [ARTIFACT...]
//
// JARS are the release's own jars (kafka-clients, or for 0.8.0 to 0.8.1.1 the
// Scala broker jar) and what they need to load; ARTIFACT names them in the
// output. scripts/fetch-releases.sh runs this for every release it lists.
//
// Everything is read from the release's classes by reflection, so one source
// file reads every era; docs/releases.md says which class and method gives
// each figure, and which broker settings are taken as the defaults.
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

public class ReleaseApis {
    static final String API_KEYS = "org.apache.kafka.common.protocol.ApiKeys";
    static final String PROTOCOL = "org.apache.kafka.common.protocol.Protocol";
    static final String API_VERSIONS_RESPONSE = "org.apache.kafka.common.requests.ApiVersionsResponse";
    static final String LISTENER_TYPE = "org.apache.kafka.common.message.ApiMessageType$ListenerType";
    static final String RECORD_VERSION = "org.apache.kafka.common.record.RecordVersion";
    static final String RECORD_BATCH = "org.apache.kafka.common.record.RecordBatch";

    /** One api as the output lists it. */
    static final class Api {
        final int key;
        final String name;
        int min = -1, max = -1;
        Integer unstableFrom;
        List<String> listeners;
        final Map<String, int[]> advertised = new LinkedHashMap<>();

        Api(int key, String name) {
            this.key = key;
            this.name = name;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java -cp JARS tools/ReleaseApis.java RELEASE [ARTIFACT...]");
            System.exit(2);
        }
        String release = args[0];
        List<String> artifacts = List.of(args).subList(1, args.length);
        TreeMap<Integer, Api> apis = new TreeMap<>();
        boolean apiVersions;
        if (!present(API_KEYS)) {
            readRequestKeys(apis);
            apiVersions = false;
        } else if (!present(API_VERSIONS_RESPONSE)) {
            readApiKeys(apis);
            apiVersions = false;
        } else if (!present(LISTENER_TYPE)) {
            readApiKeys(apis);
            readZkDefaultResponse(apis);
            apiVersions = true;
        } else {
            readApiKeys(apis);
            readListeners(apis, release);
            apiVersions = true;
        }
        System.out.print(json(release, artifacts, apiVersions, apis.values()));
    }

    // ---- 0.8.0 to 0.8.1.1: the Scala broker's kafka.api.RequestKeys ----

    /**
     * RequestKeys.keyToNameAndDeserializerMap maps each key to its name and to
     * the readFrom of its request's companion object; that object's
     * CurrentVersion is the highest version the release knows. The
     * deserializer is a compiled closure: the companion it calls is read from
     * the closure's class file.
     */
    static void readRequestKeys(TreeMap<Integer, Api> apis) throws Exception {
        Object keys = module("kafka.api.RequestKeys$");
        Object map = keys.getClass().getMethod("keyToNameAndDeserializerMap").invoke(keys);
        Object it = map.getClass().getMethod("iterator").invoke(map);
        Method hasNext = it.getClass().getMethod("hasNext");
        Method next = it.getClass().getMethod("next");
        hasNext.setAccessible(true);
        next.setAccessible(true);
        while ((Boolean) hasNext.invoke(it)) {
            Object entry = next.invoke(it);
            int key = ((Number) call(entry, "_1")).intValue();
            Object nameAndReader = call(entry, "_2");
            String name = (String) call(nameAndReader, "_1");
            Object reader = call(nameAndReader, "_2");
            Object companion = null;
            for (String cls : referencedClasses(reader.getClass())) {
                if (!cls.startsWith("kafka.api.") || !cls.endsWith("$") || cls.startsWith("kafka.api.RequestKeys")) continue;
                Object candidate = module(cls);
                if (hasMethod(candidate.getClass(), "CurrentVersion")) {
                    if (companion != null) throw new IllegalStateException("two request objects for key " + key);
                    companion = candidate;
                }
            }
            if (companion == null) throw new IllegalStateException("no request object found for key " + key);
            Api api = new Api(key, upperSnake(name));
            api.min = 0;
            api.max = ((Number) call(companion, "CurrentVersion")).intValue();
            apis.put(key, api);
        }
    }

    static Object module(String cls) throws Exception {
        return Class.forName(cls).getField("MODULE$").get(null);
    }

    /** The classes a class file names in its constant pool. */
    static List<String> referencedClasses(Class<?> cls) throws IOException {
        byte[] bytes;
        try (InputStream in = cls.getClassLoader().getResourceAsStream(cls.getName().replace('.', '/') + ".class")) {
            if (in == null) throw new IOException("no class file for " + cls.getName());
            bytes = in.readAllBytes();
        }
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
        in.readInt();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classNames = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1: utf8[i] = in.readUTF(); break;
                case 7: classNames.add(in.readUnsignedShort()); break;
                case 8: case 16: case 19: case 20: in.readUnsignedShort(); break;
                case 15: in.readUnsignedByte(); in.readUnsignedShort(); break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18: in.readInt(); break;
                case 5: case 6: in.readLong(); i++; break;
                default: throw new IOException("constant pool tag " + tag + " in " + cls.getName());
            }
        }
        List<String> out = new ArrayList<>();
        for (int index : classNames) out.add(utf8[index].replace('/', '.'));
        return out;
    }

    // ---- kafka-clients: ApiKeys and the schemas ----

    /** Every ApiKeys constant with the versions its schemas define. */
    static void readApiKeys(TreeMap<Integer, Api> apis) throws Exception {
        Class<?> apiKeys = Class.forName(API_KEYS);
        for (Object k : apiKeys.getEnumConstants()) {
            int id = ((Number) apiKeys.getField("id").get(k)).intValue();
            Api api = new Api(id, ((Enum<?>) k).name());
            int[] range = definedRange(k, id);
            if (range == null) continue; // the enum names it, but no version has a schema
            api.min = range[0];
            api.max = range[1];
            if (hasMethod(apiKeys, "latestVersion", boolean.class)) {
                int stable = ((Number) apiKeys.getMethod("latestVersion", boolean.class).invoke(k, false)).intValue();
                if (stable < api.max) api.unstableFrom = stable + 1;
            }
            apis.put(id, api);
        }
    }

    static int[] definedRange(Object apiKey, int id) throws Exception {
        Class<?> apiKeys = apiKey.getClass();
        if (hasMethod(apiKeys, "oldestVersion") && hasMethod(apiKeys, "latestVersion")) {
            int min = ((Number) apiKeys.getMethod("oldestVersion").invoke(apiKey)).intValue();
            int max = hasMethod(apiKeys, "latestVersion", boolean.class)
                ? ((Number) apiKeys.getMethod("latestVersion", boolean.class).invoke(apiKey, true)).intValue()
                : ((Number) apiKeys.getMethod("latestVersion").invoke(apiKey)).intValue();
            return max >= min ? new int[] {min, max} : null;
        }
        // Before ApiKeys knew its versions: Protocol.REQUESTS[id] holds one
        // schema per version, null for versions below the oldest.
        Object schemas = Array.get(Class.forName(PROTOCOL).getField("REQUESTS").get(null), id);
        if (schemas == null) return null;
        int min = -1, max = -1;
        for (int v = 0; v < Array.getLength(schemas); v++) {
            if (Array.get(schemas, v) == null) continue;
            if (min < 0) min = v;
            max = v;
        }
        return min < 0 ? null : new int[] {min, max};
    }

    // ---- 0.10.0 to 2.7: one broker mode, one default response ----

    /**
     * The ApiVersions response a ZooKeeper-mode broker sends with the default
     * inter.broker.protocol.version (the release's own, so the newest record
     * format): built by the release's ApiVersionsResponse for the newest magic.
     */
    static void readZkDefaultResponse(TreeMap<Integer, Api> apis) throws Exception {
        Class<?> avr = Class.forName(API_VERSIONS_RESPONSE);
        Object response = null;
        Method m = staticMethod(avr, "apiVersionsResponse", int.class, byte.class);
        if (m != null) {
            byte magic = ((Number) Class.forName(RECORD_BATCH).getField("CURRENT_MAGIC_VALUE").get(null)).byteValue();
            response = m.invoke(null, 0, magic);
        }
        for (String field : new String[] {"DEFAULT_API_VERSIONS_RESPONSE", "API_VERSIONS_RESPONSE"}) {
            if (response != null) break;
            Field f = declaredField(avr, field);
            if (f != null && Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                response = f.get(null);
            }
        }
        if (response == null) {
            m = staticMethod(avr, "apiVersionsResponse");
            if (m == null) m = staticMethod(avr, "defaultApiVersionsResponse");
            if (m == null) throw new IllegalStateException("no default ApiVersions response in " + avr);
            response = m.invoke(null);
        }
        for (Object v : responseVersions(response)) advertise(apis, "zk", v);
    }

    /** The api entries of an ApiVersionsResponse, of any era. */
    static Collection<?> responseVersions(Object response) throws Exception {
        if (hasMethod(response.getClass(), "apiVersions")) return (Collection<?>) call(response, "apiVersions");
        Object data = member(response, "data");
        return (Collection<?>) call(data, "apiKeys");
    }

    // ---- 2.8 on: listeners, and KRaft ----

    static void readListeners(TreeMap<Integer, Api> apis, String release) throws Exception {
        Class<?> apiKeys = Class.forName(API_KEYS);
        Class<?> listenerType = Class.forName(LISTENER_TYPE);
        for (Object k : apiKeys.getEnumConstants()) {
            int id = ((Number) apiKeys.getField("id").get(k)).intValue();
            Api api = apis.get(id);
            if (api == null) continue;
            Object messageType = apiKeys.getField("messageType").get(k);
            Collection<?> listeners = (Collection<?>) call(messageType, "listeners");
            api.listeners = new ArrayList<>();
            for (Object l : listenerType.getEnumConstants()) {
                if (listeners.contains(l)) api.listeners.add(lowerCamel(((Enum<?>) l).name()));
            }
        }
        Object zk = enumConstant(listenerType, "ZK_BROKER");
        Object broker = enumConstant(listenerType, "BROKER");
        Object controller = enumConstant(listenerType, "CONTROLLER");
        Class<?> avr = Class.forName(API_VERSIONS_RESPONSE);

        // A ZooKeeper-mode broker forwards nothing by default (forwarding
        // needs zookeeper.metadata.migration.enable): filterApis.
        if (zk != null) {
            for (Object v : (Collection<?>) callStatic(avr, "filterApis", zk, null)) advertise(apis, "zk", v);
        }
        if (broker != null && controller != null) {
            // The KRaft controller advertises every api of its listener:
            // collectApis over ApiKeys.apisForListener(CONTROLLER).
            Object controllerApis = apiKeys.getMethod("apisForListener", listenerType).invoke(null, controller);
            Collection<?> controllerVersions = (Collection<?>) callStatic(avr, "collectApis", controller, controllerApis);
            Map<Object, Object> byKey = new HashMap<>();
            Method forId = apiKeys.getMethod("forId", int.class);
            for (Object v : controllerVersions) {
                byKey.put(forId.invoke(null, ((Number) call(v, "apiKey")).intValue()), v);
                advertise(apis, "controller", v);
            }
            // A KRaft broker that knows its controller's versions advertises
            // the forwardable apis at the versions both support:
            // intersectForwardableApis.
            Object brokerVersions = callStatic(avr, "intersectForwardableApis", broker, byKey);
            for (Object v : (Collection<?>) brokerVersions) advertise(apis, "kraft", v);
            // Kafka 2.8.0 to 3.1.x: the broker's DefaultApiVersionManager
            // (kafka.server, in the core jar, not in kafka-clients) adds
            // Envelope at its full range to the response of any broker that
            // forwards to a controller, which every KRaft broker does.
            Api envelope = apis.get(58);
            if (envelope != null && "ENVELOPE".equals(envelope.name) && addsEnvelope(release)
                    && !envelope.advertised.containsKey("kraft")) {
                envelope.advertised.put("kraft", new int[] {envelope.min, envelope.max});
            }
        }
    }

    /** Releases from 2.8.0 up to, not including, 3.2.0. */
    static boolean addsEnvelope(String release) {
        String[] p = release.split("\\.");
        int major = Integer.parseInt(p[0]), minor = Integer.parseInt(p[1]);
        return (major == 2 && minor >= 8) || (major == 3 && minor < 2);
    }

    /**
     * Calls the public static method NAME of CLS with the most parameters,
     * filling them by type: the listener type; the newest RecordVersion (what
     * the default inter.broker.protocol.version and the default metadata
     * version give); a Set of api keys or the Map of the controller's
     * versions; false for every boolean (unstable.api.versions.enable is
     * false by default, and no client telemetry receiver is configured).
     */
    static Object callStatic(Class<?> cls, String name, Object listener, Object setOrMap) throws Exception {
        Method best = null;
        for (Method m : cls.getMethods()) {
            if (!m.getName().equals(name) || !Modifier.isStatic(m.getModifiers())) continue;
            if (best == null || m.getParameterCount() > best.getParameterCount()) best = m;
        }
        if (best == null) throw new IllegalStateException("no " + cls.getName() + "." + name);
        Class<?>[] types = best.getParameterTypes();
        Object[] values = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t.getName().equals(LISTENER_TYPE)) values[i] = listener;
            else if (t.getName().equals(RECORD_VERSION)) values[i] = newestRecordVersion();
            else if (t == boolean.class) values[i] = false;
            else if ((t == java.util.Set.class || t == Map.class) && setOrMap != null && t.isInstance(setOrMap)) values[i] = setOrMap;
            else throw new IllegalStateException("cannot fill parameter " + i + " (" + t.getName() + ") of " + best);
        }
        return best.invoke(null, values);
    }

    static Object newestRecordVersion() throws Exception {
        Object[] all = Class.forName(RECORD_VERSION).getEnumConstants();
        return all[all.length - 1];
    }

    static void advertise(TreeMap<Integer, Api> apis, String mode, Object apiVersion) throws Exception {
        int key = ((Number) member(apiVersion, "apiKey")).intValue();
        int min = ((Number) member(apiVersion, "minVersion")).intValue();
        int max = ((Number) member(apiVersion, "maxVersion")).intValue();
        Api api = apis.get(key);
        if (api == null) throw new IllegalStateException("advertised api " + key + " is not defined");
        if (api.advertised.containsKey(mode)) throw new IllegalStateException("api " + key + " advertised twice");
        api.advertised.put(mode, new int[] {min, max});
    }

    // ---- reflection helpers ----

    static boolean present(String cls) {
        try {
            Class.forName(cls, false, ReleaseApis.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static boolean hasMethod(Class<?> cls, String name, Class<?>... params) {
        try {
            cls.getMethod(name, params);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    static Method staticMethod(Class<?> cls, String name, Class<?>... params) {
        try {
            Method m = cls.getMethod(name, params);
            return Modifier.isStatic(m.getModifiers()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    static Field declaredField(Class<?> cls, String name) {
        try {
            return cls.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    static Object call(Object target, String name) throws Exception {
        Method m = target.getClass().getMethod(name);
        m.setAccessible(true);
        return m.invoke(target);
    }

    /** A no-argument method, or else a public field, of that name. */
    static Object member(Object target, String name) throws Exception {
        if (hasMethod(target.getClass(), name)) return call(target, name);
        return target.getClass().getField(name).get(target);
    }

    static Object enumConstant(Class<?> cls, String name) {
        for (Object c : cls.getEnumConstants()) if (((Enum<?>) c).name().equals(name)) return c;
        return null;
    }

    /** "LeaderAndIsr" to "LEADER_AND_ISR". */
    static String upperSnake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
    }

    /** "ZK_BROKER" to "zkBroker", as Kafka's message specs spell listeners. */
    static String lowerCamel(String snake) {
        StringBuilder b = new StringBuilder();
        for (String part : snake.toLowerCase().split("_")) {
            b.append(b.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return b.toString();
    }

    // ---- output ----

    static String json(String release, List<String> artifacts, boolean apiVersions, Collection<Api> apis) {
        StringBuilder out = new StringBuilder("{\n");
        out.append("  \"release\": ").append(str(release)).append(",\n");
        out.append("  \"artifacts\": [");
        for (int i = 0; i < artifacts.size(); i++) out.append(i > 0 ? ", " : "").append(str(artifacts.get(i)));
        out.append("],\n");
        out.append("  \"api_versions\": ").append(apiVersions).append(",\n");
        out.append("  \"apis\": [");
        int n = 0;
        for (Api a : apis) {
            out.append(n++ > 0 ? ",\n" : "\n");
            out.append("    {\"key\": ").append(a.key).append(", \"name\": ").append(str(a.name));
            out.append(", \"defined\": ").append(range(a.min, a.max));
            out.append(", \"unstable_from\": ").append(a.unstableFrom == null ? "null" : a.unstableFrom.toString());
            out.append(", \"listeners\": ");
            if (a.listeners == null) {
                out.append("null");
            } else {
                out.append("[");
                for (int i = 0; i < a.listeners.size(); i++) out.append(i > 0 ? ", " : "").append(str(a.listeners.get(i)));
                out.append("]");
            }
            out.append(", \"advertised\": {");
            int m = 0;
            for (String mode : List.of("zk", "kraft", "controller")) {
                int[] r = a.advertised.get(mode);
                if (r == null) continue;
                out.append(m++ > 0 ? ", " : "").append(str(mode)).append(": ").append(range(r[0], r[1]));
            }
            out.append("}}");
        }
        out.append("\n  ]\n}\n");
        return out.toString();
    }

    static String range(int min, int max) {
        return "{\"min\": " + min + ", \"max\": " + max + "}";
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
