package io.kafkawire.tester;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;

/**
 * Record batches through Kafka's own record classes:
 * "build" makes a batch with MemoryRecordsBuilder from a description
 * (v2 unless it names a "magic"; at the compression level it names, if any;
 * a control batch's marker is "controlType", COMMIT unless it names ABORT);
 * "read" validates a batch (CRC included), describes its header and records,
 * and rebuilds it with MemoryRecordsBuilder from what it read.
 */
final class RecordsOps {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static byte[] bytes(JsonNode node) {
        return node == null || node.isNull() ? null : Base64.getDecoder().decode(node.asText());
    }

    private static String b64(ByteBuffer buffer) {
        if (buffer == null) return null;
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return Base64.getEncoder().encodeToString(out);
    }

    /** The codec at the level the spec names, or at Kafka's default level when it names none. */
    private static Compression compression(String codec, JsonNode level) {
        if (level == null || level.isNull()) return Compression.of(codec).build();
        int l = level.asInt();
        switch (codec) {
            case "gzip": return Compression.gzip().level(l).build();
            case "lz4": return Compression.lz4().level(l).build();
            case "zstd": return Compression.zstd().level(l).build();
            default: throw new IllegalArgumentException(codec + " has no compression levels");
        }
    }

    static byte[] build(JsonNode spec) {
        Compression compression = compression(spec.get("codec").asText(), spec.get("level"));
        // The message format: 2 unless the spec names 0 or 1 (whose v0 has no timestamps).
        byte magic = (byte) spec.path("magic").asInt(2);
        TimestampType timestampType = spec.get("logAppendTime").asBoolean() ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
        if (magic == 0) timestampType = TimestampType.NO_TIMESTAMP_TYPE;
        boolean control = spec.get("control").asBoolean();
        ControlRecordType marker = ControlRecordType.valueOf(spec.path("controlType").asText("COMMIT"));
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, magic, compression, timestampType,
            spec.get("baseOffset").asLong(), spec.get("appendTime").asLong(), spec.get("producerId").asLong(),
            (short) spec.get("producerEpoch").asInt(), spec.get("baseSequence").asInt(),
            spec.get("transactional").asBoolean(), control, spec.get("partitionLeaderEpoch").asInt());
        for (JsonNode r : spec.get("records")) {
            if (control) {
                builder.appendEndTxnMarker(r.get("timestamp").asLong(),
                    new EndTransactionMarker(marker, r.get("coordinatorEpoch").asInt()));
                continue;
            }
            List<Header> headers = new ArrayList<>();
            for (JsonNode h : r.get("headers")) headers.add(new RecordHeader(h.get("key").asText(), bytes(h.get("value"))));
            builder.append(r.get("timestamp").asLong(), bytes(r.get("key")), bytes(r.get("value")), headers.toArray(new Header[0]));
        }
        ByteBuffer built = builder.build().buffer();
        byte[] out = new byte[built.remaining()];
        built.get(out);
        return out;
    }

    static ObjectNode read(byte[] data) {
        ObjectNode answer = MAPPER.createObjectNode();
        ArrayNode batches = answer.putArray("batches");
        MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(data));
        for (MutableRecordBatch batch : records.batches()) {
            batch.ensureValid(); // checks size and CRC
            ObjectNode b = batches.addObject();
            b.put("baseOffset", batch.baseOffset());
            b.put("lastOffset", batch.lastOffset());
            b.put("producerId", batch.producerId());
            b.put("producerEpoch", batch.producerEpoch());
            b.put("baseSequence", batch.baseSequence());
            b.put("transactional", batch.isTransactional());
            b.put("control", batch.isControlBatch());
            b.put("codec", batch.compressionType().name);
            b.put("logAppendTime", batch.timestampType() == TimestampType.LOG_APPEND_TIME);
            b.put("maxTimestamp", batch.maxTimestamp());
            b.put("partitionLeaderEpoch", batch.partitionLeaderEpoch());
            ArrayNode rs = b.putArray("records");
            for (Record r : batch) {
                ObjectNode o = rs.addObject();
                o.put("offset", r.offset());
                o.put("timestamp", r.timestamp());
                o.put("key", b64(r.key()));
                o.put("value", b64(r.value()));
                ArrayNode hs = o.putArray("headers");
                for (Header h : r.headers()) {
                    ObjectNode ho = hs.addObject();
                    ho.put("key", h.key());
                    ho.put("value", h.value() == null ? null : Base64.getEncoder().encodeToString(h.value()));
                }
            }
        }
        return answer;
    }

    /** Answers one records case: {"op": "build", "spec": {...}} or {"op": "read", "hex": "..."}. */
    /** The ops this class answers. */

    static ObjectNode handle(JsonNode request) {
        ObjectNode answer = MAPPER.createObjectNode();
        answer.set("id", request.get("id"));
        try {
            if (request.get("op").asText().equals("build")) {
                answer.put("hex", HexFormat.of().formatHex(build(request.get("spec"))));
            } else {
                answer.setAll(read(HexFormat.of().parseHex(request.get("hex").asText())));
            }
        } catch (Throwable t) {
            answer.put("error", t.getClass().getSimpleName() + ": " + t.getMessage());
        }
        return answer;
    }
}
