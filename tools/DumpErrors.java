// Prints Kafka's error table (org.apache.kafka.common.protocol.Errors) as JSON,
// one object per error: code, name, retriable, message. Run with kafka-clients
// on the classpath; scripts/fetch-specs.sh does that. The generator turns the
// output into crates/wire/src/messages/error_code.rs.
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.protocol.Errors;

public class DumpErrors {
    public static void main(String[] args) {
        StringBuilder out = new StringBuilder("[\n");
        Errors[] all = Errors.values();
        for (int i = 0; i < all.length; i++) {
            Errors e = all[i];
            boolean retriable = e.exception() instanceof RetriableException;
            out.append(String.format("  {\"code\": %d, \"name\": \"%s\", \"retriable\": %b, \"message\": \"%s\"}%s%n",
                e.code(), e.name(), retriable, escape(e.message()), i + 1 < all.length ? "," : ""));
        }
        out.append("]");
        System.out.println(out);
    }

    private static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}
