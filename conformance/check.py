#!/usr/bin/env python3
"""An independent reader of the conformance kit, standard library only.

    python3 conformance/check.py [KIT_DIR]

Walks the kit (default: the directory this script is in) and checks every
vector's structure (README.md, "Vectors"), then decodes some vectors from
their bytes with its own decoder, written from Kafka's protocol guide and
the message specs, not from kafka-wire's code, and compares the result with
the vector's JSON: the request and response headers at every version, and
ApiVersionsRequest v0-3, SaslHandshakeRequest v0-1 and HeartbeatRequest
v0-4. In every frame it checks the size prefix, works out the header
version from the api's flexible versions (from the kit's own message
files, which hold each version's tagged-field section) and decodes the
header, which must name the frame's api and version. A vector with "unknown_tagged_fields": true must hold at least one
tagged field the decoder does not know, and one with false none. Each
negative vector must be the splice of the message vector it names, and
its input must fail the decoders here that know its message. Each record
vector's bytes are framed and CRC-checked here (CRC-32C for v2 batches,
CRC-32 for v0/v1 messages) against its batches' formats, codecs and
offsets; each bad-CRC input must be the splice of the record vector it
names and fail its CRC. Each stored vector's key and value must be framed
as its topic stores them.

Prints each problem as FILE:LINE NAME: PROBLEM; exit status 1 if any.
"""

import json
import re
import sys
from pathlib import Path

FORMAT = "1"
RELEASES = {"4.4.0", "3.9.1"}
CASE = re.compile(r"^(default|random-[1-9][0-9]*|unknown-tagged-[1-9][0-9]*)$")
HEX = re.compile(r"^(?:[0-9a-f]{2})*$")
MESSAGE_KEYS = ["api", "api_key", "direction", "version", "release", "case", "unknown_tagged_fields", "json", "hex"]
HEADER_KEYS = ["header", "version", "release", "case", "unknown_tagged_fields", "json", "hex"]
FRAME_KEYS = MESSAGE_KEYS + ["header_version"]
TYPE_KEYS = ["type"] + HEADER_KEYS[1:]


class Truncated(Exception):
    pass


class Reader:
    """Kafka's primitive types, big-endian, from a byte string."""

    def __init__(self, data):
        self.data, self.at = data, 0
        self.unknown_tags = 0

    def take(self, n):
        if n < 0 or self.at + n > len(self.data):
            raise Truncated(f"{n} bytes wanted at offset {self.at} of {len(self.data)}")
        out = self.data[self.at : self.at + n]
        self.at += n
        return out

    def int(self, size):
        return int.from_bytes(self.take(size), "big", signed=True)

    def uvarint(self):
        value, shift = 0, 0
        while True:
            byte = self.take(1)[0]
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            if shift > 28:
                raise ValueError("varint longer than 5 bytes")

    def nullable_string(self):
        n = self.int(2)
        return None if n == -1 else self.take(n).decode("utf-8")

    def compact_nullable_string(self):
        n = self.uvarint() - 1
        return None if n == -1 else self.take(n).decode("utf-8")

    def tagged_fields(self, known=None):
        """Reads a tagged-field section; known maps tag -> (name, reader)."""
        out = {}
        for _ in range(self.uvarint()):
            tag, size = self.uvarint(), self.uvarint()
            data = self.take(size)
            if known and tag in known:
                name, read = known[tag]
                inner = Reader(data)
                out[name] = read(inner)
                inner.end()
            else:
                self.unknown_tags += 1
        return out

    def end(self):
        if self.at != len(self.data):
            raise ValueError(f"{len(self.data) - self.at} bytes left over")


def request_header(r, version):
    out = {"requestApiKey": r.int(2), "requestApiVersion": r.int(2), "correlationId": r.int(4)}
    if version >= 1:
        # clientId is a nullable string with a 2-byte length in every
        # version, flexible ones included.
        out["clientId"] = r.nullable_string()
    if version >= 2:
        r.tagged_fields()
    return out


def response_header(r, version):
    out = {"correlationId": r.int(4)}
    if version >= 1:
        r.tagged_fields()
    return out


def api_versions_request(r, version):
    out = {}
    if version >= 3:
        out["clientSoftwareName"] = r.compact_nullable_string()
        out["clientSoftwareVersion"] = r.compact_nullable_string()
        r.tagged_fields()
    return out


def sasl_handshake_request(r, version):
    return {"mechanism": r.nullable_string()}


def heartbeat_request(r, version):
    flexible = version >= 4
    string = r.compact_nullable_string if flexible else r.nullable_string
    out = {"groupId": string(), "generationId": r.int(4), "memberId": string()}
    if version >= 3:
        out["groupInstanceId"] = string()
    if flexible:
        r.tagged_fields()
    return out


# (file, versions) -> decoder
DECODERS = {
    ("headers/RequestHeader.jsonl", range(0, 3)): request_header,
    ("headers/ResponseHeader.jsonl", range(0, 2)): response_header,
    ("messages/ApiVersions.request.jsonl", range(0, 4)): api_versions_request,
    ("messages/SaslHandshake.request.jsonl", range(0, 2)): sasl_handshake_request,
    ("messages/Heartbeat.request.jsonl", range(0, 5)): heartbeat_request,
}


def decoder_for(path, version):
    for (file, versions), decode in DECODERS.items():
        if file == path and version in versions:
            return decode
    return None


def structure(path, vector):
    """The structural problems of one vector of the file at path."""
    problems = []
    if not isinstance(vector, dict):
        return ["not a JSON object"]
    is_header, is_type = path.startswith("headers/"), path.startswith("types/")
    keys = {"headers": HEADER_KEYS, "frames": FRAME_KEYS, "types": TYPE_KEYS}.get(path.split("/")[0], MESSAGE_KEYS)
    if sorted(vector) != sorted(keys):
        return [f"fields {sorted(vector)}, expected {sorted(keys)}"]
    name = Path(path).name
    if is_header or is_type:
        field = "header" if is_header else "type"
        if f"{vector[field]}.jsonl" != name:
            problems.append(f"{field} {vector[field]!r} in {name}")
    else:
        if not isinstance(vector["api_key"], int) or isinstance(vector["api_key"], bool):
            problems.append("api_key is not an integer")
        if vector["direction"] not in ("request", "response"):
            problems.append(f"direction {vector['direction']!r}")
        if f"{vector['api']}.{vector['direction']}.jsonl" != name:
            problems.append(f"{vector['api']} {vector['direction']} in {name}")
    version = vector["version"]
    if not isinstance(version, int) or isinstance(version, bool) or not 0 <= version < 2**15:
        problems.append(f"version {version!r} is not a non-negative int16")
    if vector["release"] not in RELEASES:
        problems.append(f"release {vector['release']!r}")
    if not isinstance(vector["case"], str) or not CASE.match(vector["case"]):
        problems.append(f"case {vector['case']!r}")
    if not isinstance(vector["unknown_tagged_fields"], bool):
        problems.append("unknown_tagged_fields is not a boolean")
    elif vector["unknown_tagged_fields"] != vector["case"].startswith("unknown-tagged-"):
        problems.append("unknown_tagged_fields does not match the case")
    if not isinstance(vector["json"], dict):
        problems.append("json is not an object")
    if not isinstance(vector["hex"], str) or not HEX.match(vector["hex"]):
        problems.append("hex is not lower-case hex of whole bytes")
    return problems


def header_version(api_key, direction, version, flexible):
    """The header version of a frame, by the protocol's rule."""
    if direction == "request":
        if api_key == 7 and version == 0:  # ControlledShutdown v0
            return 0
        return 2 if flexible else 1
    if api_key == 18:  # ApiVersions responses: always v0 (KIP-511)
        return 0
    return 1 if flexible else 0


def flexible_versions(kit):
    """(api, direction) -> its flexible versions, read from the kit: each
    flexible version, and only those, has an unknown-tagged vector."""
    out = {}
    for file in (kit / "messages").glob("*.jsonl"):
        for line in file.read_text(encoding="utf-8").splitlines():
            v = json.loads(line)
            if v["case"].startswith("unknown-tagged-"):
                out.setdefault((v["api"], v["direction"]), set()).add(v["version"])
    return out


def check_frame(vector, flexible):
    """Size prefix, header version and header of a frame vector."""
    data = bytes.fromhex(vector["hex"])
    if len(data) < 4 or int.from_bytes(data[:4], "big") != len(data) - 4:
        return [f"the size prefix is not the size of the {len(data) - 4} bytes after it"]
    is_flexible = vector["version"] in flexible.get((vector["api"], vector["direction"]), set())
    expected = header_version(vector["api_key"], vector["direction"], vector["version"], is_flexible)
    if vector["header_version"] != expected:
        return [f"header_version {vector['header_version']}, the protocol's rule gives {expected}"]
    if set(vector["json"]) != {"header", "message"}:
        return ["json is not {header, message}"]
    reader = Reader(data[4:])
    try:
        if vector["direction"] == "request":
            header = request_header(reader, expected)
            if (header["requestApiKey"], header["requestApiVersion"]) != (vector["api_key"], vector["version"]):
                return [f"the header names api {header['requestApiKey']} v{header['requestApiVersion']}"]
        else:
            header = response_header(reader, expected)
    except (Truncated, ValueError, UnicodeDecodeError) as e:
        return [f"the header does not decode: {e}"]
    if header != vector["json"]["header"]:
        return [f"the header decodes to {header}, the vector's is {vector['json']['header']}"]
    decode = decoder_for(f"messages/{vector['api']}.{vector['direction']}.jsonl", vector["version"])
    if decode:
        try:
            body = decode(reader, vector["version"])
            reader.end()
        except (Truncated, ValueError, UnicodeDecodeError) as e:
            return [f"the body does not decode: {e}"]
        if body != vector["json"]["message"]:
            return [f"the body decodes to {body}, the vector's is {vector['json']['message']}"]
    return []


def check(kit):
    problems, counts, decoded = [], {}, 0
    fmt = (kit / "FORMAT").read_text().strip() if (kit / "FORMAT").exists() else None
    if fmt != FORMAT:
        problems.append(f"FORMAT: {fmt!r}, this reader reads {FORMAT}")
    if not (kit / "SEED").exists():
        problems.append("SEED: missing")
    files = sorted(p for d in ("headers", "messages", "frames", "types") for p in (kit / d).glob("*.jsonl"))
    flexible = flexible_versions(kit)
    if not files:
        problems.append(f"{kit}: no vector files")
    api_keys = {}
    for file in files:
        path = file.relative_to(kit).as_posix()
        seen = set()
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path}:{number}"
            try:
                vector = json.loads(line)
            except ValueError as e:
                problems.append(f"{where}: not JSON: {e}")
                continue
            found = structure(path, vector)
            if found:
                problems.extend(f"{where}: {p}" for p in found)
                continue
            label = vector.get("header") or vector.get("type") or f"{vector['api']} {vector['direction']}"
            where = f"{where} {label} v{vector['version']} {vector['case']}"
            key = (vector["version"], vector["case"])
            if key in seen:
                problems.append(f"{where}: a second vector of this version and case")
            seen.add(key)
            if "api" in vector and api_keys.setdefault(vector["api"], vector["api_key"]) != vector["api_key"]:
                problems.append(f"{where}: {vector['api']} has two api keys")
            kind = "header" if "header" in vector else "data type" if "type" in vector else vector["direction"]
            if "header_version" in vector:
                kind = f"{kind} frame"
                frame_problems = check_frame(vector, flexible)
                problems.extend(f"{where}: {p}" for p in frame_problems)
                decoded += not frame_problems
            counts[kind] = counts.get(kind, 0) + 1
            if "header_version" in vector:
                continue
            decode = decoder_for(path, vector["version"])
            if decode is None:
                continue
            reader = Reader(bytes.fromhex(vector["hex"]))
            try:
                value = decode(reader, vector["version"])
                reader.end()
            except (Truncated, ValueError, UnicodeDecodeError) as e:
                problems.append(f"{where}: the bytes do not decode: {e}")
                continue
            decoded += 1
            if value != vector["json"]:
                problems.append(f"{where}: the bytes decode to {value}, the vector's JSON is {vector['json']}")
            if (reader.unknown_tags > 0) != vector["unknown_tagged_fields"]:
                problems.append(f"{where}: {reader.unknown_tags} unknown tagged fields in the bytes")
        if not seen:
            problems.append(f"{path}: no vectors")
    return problems, counts, decoded, len(files)


NEGATIVE_KEYS = ["api", "api_key", "direction", "version", "release", "case", "mutation", "from_case", "from_hex",
                 "splice", "java", "java_exception", "ours", "kept_difference", "hex"]


def is_hex(value):
    return isinstance(value, str) and HEX.match(value) is not None


def negative_problems(vector, path, sources):
    """The problems of one negative vector (README.md, "Negative vectors"):
    its splice of the valid vector it names gives its input, and the input
    is refused by the decoders here that know its message."""
    if sorted(vector) != sorted(NEGATIVE_KEYS):
        return [f"fields {sorted(vector)}, expected {sorted(NEGATIVE_KEYS)}"]
    if f"{vector['api']}.{vector['direction']}.jsonl" != Path(path).name:
        return [f"{vector['api']} {vector['direction']} in {Path(path).name}"]
    if not all(is_hex(vector[k]) for k in ("hex", "from_hex")) or not is_hex(vector["splice"].get("insert")):
        return ["hex, from_hex or splice.insert is not lower-case hex of whole bytes"]
    problems = []
    if vector["release"] not in RELEASES:
        problems.append(f"release {vector['release']!r}")
    verdicts = (vector["java"], vector["java_exception"] is None, vector["kept_difference"] is None)
    if verdicts not in (("refused", False, True), ("accepted", True, False)):
        problems.append("a plain negative is refused by Java (with an exception), a kept difference accepted")
    source = sources.get((vector["api"], vector["direction"], vector["version"], vector["from_case"]))
    if source != vector["from_hex"]:
        problems.append(f"from_hex is not the hex of messages/' {vector['from_case']} vector of this version")
    valid, splice = bytes.fromhex(vector["from_hex"]), vector["splice"]
    at, remove = splice["at"], splice["remove"]
    spliced = valid[:at] + bytes.fromhex(splice["insert"]) + valid[at + remove:]
    if at + remove > len(valid) or spliced.hex() != vector["hex"]:
        problems.append("the splice of from_hex is not hex")
    decode = decoder_for(f"messages/{vector['api']}.{vector['direction']}.jsonl", vector["version"])
    if decode and vector["java"] == "refused":
        reader = Reader(bytes.fromhex(vector["hex"]))
        try:
            decode(reader, vector["version"])
            reader.end()
            problems.append("the input decodes here")
        except (Truncated, ValueError, UnicodeDecodeError):
            pass
    return problems


RECORDS_KEYS = ["magic", "case", "codec", "exact", "batches", "hex"]
BAD_CRC_KEYS = ["magic", "case", "codec", "mutation", "from_case", "from_hex", "splice", "java", "java_exception",
                "ours", "hex"]
BATCH_KEYS = ["baseOffset", "lastOffset", "producerId", "producerEpoch", "baseSequence", "transactional", "control",
              "codec", "logAppendTime", "maxTimestamp", "partitionLeaderEpoch", "records"]
RECORD_KEYS = ["offset", "timestamp", "key", "value", "headers"]
CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}


def crc32c(data):
    """CRC-32C (Castagnoli), bit by bit: what a v2 batch's CRC is."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def record_entries(data):
    """The entries of a records field, framed: (offset, magic, attributes,
    crc_ok) of each, from each entry's log overhead, magic and CRC (CRC-32C
    over what follows a v2 batch's CRC, CRC-32 over what follows a v0/v1
    message's)."""
    import zlib
    out, at = [], 0
    while at < len(data):
        if at + 17 > len(data):
            raise ValueError(f"an incomplete entry at byte {at}")
        offset = int.from_bytes(data[at:at + 8], "big", signed=True)
        size = int.from_bytes(data[at + 8:at + 12], "big", signed=True)
        end = at + 12 + size
        if size < 14 or end > len(data):
            raise ValueError(f"entry at byte {at}: size {size}")
        magic = data[at + 16]
        stored = int.from_bytes(data[at + 17:at + 21] if magic == 2 else data[at + 12:at + 16], "big")
        if magic == 2:
            attributes, crc = int.from_bytes(data[at + 21:at + 23], "big"), crc32c(data[at + 21:end])
        elif magic in (0, 1):
            attributes, crc = data[at + 17], zlib.crc32(data[at + 16:end])
        else:
            raise ValueError(f"entry at byte {at}: magic {magic}")
        out.append((offset, magic, attributes, crc == stored))
        at = end
    return out


def records_problems(vector, path, sources):
    """The problems of one record vector: its structure, and its bytes'
    framing, formats, codecs and CRCs against its batches."""
    if sorted(vector) != sorted(RECORDS_KEYS):
        return [f"fields {sorted(vector)}, expected {sorted(RECORDS_KEYS)}"]
    if f"v{vector['magic']}.jsonl" != Path(path).name:
        return [f"magic {vector['magic']} in {Path(path).name}"]
    if not is_hex(vector["hex"]) or vector["codec"] not in CODECS or not isinstance(vector["exact"], bool):
        return ["hex, codec or exact is not of its form"]
    problems = []
    batches = vector["batches"]
    if not isinstance(batches, list) or not batches:
        return ["batches is not a list of batches"]
    for i, batch in enumerate(batches):
        if not isinstance(batch, dict) or sorted(batch) != sorted(BATCH_KEYS):
            problems.append(f"batch {i}: fields {sorted(batch) if isinstance(batch, dict) else batch}")
        elif any(not isinstance(r, dict) or sorted(r) != sorted(RECORD_KEYS) for r in batch["records"]):
            problems.append(f"batch {i}: a record's fields are not {RECORD_KEYS}")
    if problems:
        return problems
    try:
        entries = record_entries(bytes.fromhex(vector["hex"]))
    except ValueError as e:
        return [f"the bytes do not frame: {e}"]
    # A v0/v1 message set has an entry per message (or one per wrapper).
    if len(entries) != len(batches):
        problems.append(f"{len(entries)} entries in the bytes, {len(batches)} batches")
    for i, ((offset, magic, attributes, crc_ok), batch) in enumerate(zip(entries, batches)):
        if magic != vector["magic"] or attributes & 0x07 != CODECS[batch["codec"]] or not crc_ok:
            problems.append(f"entry {i}: magic {magic}, codec {attributes & 7}, CRC {'ok' if crc_ok else 'wrong'}")
        expected = batch["baseOffset"] if magic == 2 else batch["lastOffset"]
        if offset != expected:
            problems.append(f"entry {i}: offset {offset}, the batch says {expected}")
    return problems


def bad_crc_problems(vector, path, sources):
    """The problems of one bad-CRC input: the splice of the record vector
    it names, whose first entry's CRC no longer matches."""
    if sorted(vector) != sorted(BAD_CRC_KEYS):
        return [f"fields {sorted(vector)}, expected {sorted(BAD_CRC_KEYS)}"]
    if not all(is_hex(vector[k]) for k in ("hex", "from_hex")) or vector["java"] != "refused":
        return ["hex or from_hex is not hex, or java is not refused"]
    valid, splice = bytes.fromhex(vector["from_hex"]), vector["splice"]
    spliced = valid[:splice["at"]] + bytes.fromhex(splice["insert"]) + valid[splice["at"] + splice["remove"]:]
    problems = []
    if sources.get(("records", vector["magic"], vector["from_case"])) != vector["from_hex"]:
        problems.append(f"from_hex is not the hex of records/v{vector['magic']}.jsonl's {vector['from_case']}")
    if spliced.hex() != vector["hex"]:
        problems.append("the splice of from_hex is not hex")
    try:
        if record_entries(spliced)[0][3]:
            problems.append("the first entry's CRC matches")
    except (ValueError, IndexError) as e:
        problems.append(f"the input does not frame: {e}")
    return problems


STORED_KEYS = ["topic", "record_type", "record", "key_class", "value_class", "value_version", "release", "case",
               "json", "key_hex", "value_hex"]
COORDINATOR_TOPICS = {"__consumer_offsets", "__transaction_state", "__share_group_state"}
FRAMED_TOPICS = {"__cluster_metadata", "__remote_log_metadata"}


def uvarint_bytes(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def stored_problems(vector, path, sources):
    """The problems of one stored vector: its structure and its framing. A
    coordinator topic's key is the int16 record type then the key, its
    value the int16 version then the value (null: a tombstone); a metadata
    record has no key, and its value is frame version 1, the record type
    and the version as unsigned varints, then the record."""
    if sorted(vector) != sorted(STORED_KEYS):
        return [f"fields {sorted(vector)}, expected {sorted(STORED_KEYS)}"]
    if f"{vector['topic']}.jsonl" != Path(path).name or vector["release"] not in RELEASES:
        return [f"topic {vector['topic']!r} in {Path(path).name}, release {vector['release']!r}"]
    if not all(vector[k] is None or is_hex(vector[k]) for k in ("key_hex", "value_hex")):
        return ["key_hex or value_hex is neither hex nor null"]
    if not isinstance(vector["json"], dict) or sorted(vector["json"]) != ["key", "value"]:
        return ["json is not {key, value}"]
    problems = []
    key = bytes.fromhex(vector["key_hex"]) if vector["key_hex"] is not None else None
    value = bytes.fromhex(vector["value_hex"]) if vector["value_hex"] is not None else None
    record_type, version = vector["record_type"], vector["value_version"]
    if (value is None) != (vector["case"] == "tombstone") or (value is None) != (vector["json"]["value"] is None):
        problems.append("a null value, and only that, is a tombstone")
    if vector["topic"] in COORDINATOR_TOPICS:
        if key is None or key[:2] != record_type.to_bytes(2, "big", signed=True):
            problems.append(f"the key does not start with the record type {record_type} (int16)")
        if value is not None and value[:2] != version.to_bytes(2, "big", signed=True):
            problems.append(f"the value does not start with the version {version} (int16)")
        if vector["key_class"] != vector["record"] + "Key" or vector["value_class"] != vector["record"] + "Value":
            problems.append("the classes are not the record type's Key and Value")
    elif vector["topic"] in FRAMED_TOPICS:
        header = b"\x01" + uvarint_bytes(record_type) + uvarint_bytes(version)
        if key is not None or vector["key_class"] is not None or value is None or not value.startswith(header):
            problems.append(f"no key, and a value starting with {header.hex()}, expected")
        if vector["value_class"] != vector["record"] + "Record":
            problems.append("the class is not the record type's Record")
    else:
        problems.append(f"topic {vector['topic']!r} is not an internal topic")
    return problems


def message_sources(kit):
    """(api, direction, version, case) -> hex, of every message vector."""
    out = {}
    for file in (kit / "messages").glob("*.jsonl"):
        for line in file.read_text(encoding="utf-8").splitlines():
            v = json.loads(line)
            out[(v["api"], v["direction"], v["version"], v["case"])] = v["hex"]
    for file in (kit / "records").glob("v*.jsonl"):
        for line in file.read_text(encoding="utf-8").splitlines():
            v = json.loads(line)
            out[("records", v["magic"], v["case"])] = v["hex"]
    return out


def check_other(kit, dirs):
    """The vectors of the directories whose forms are not messages':
    dirs maps a directory to the function that checks one of its vectors.
    Returns (problems, counts, files)."""
    problems, counts, files = [], {}, 0
    sources = message_sources(kit)
    for directory, check_one in dirs.items():
        paths = sorted((kit / directory).glob("*.jsonl"))
        if not paths:
            problems.append(f"{directory}/: no vector files")
        for file in paths:
            files += 1
            path, seen = file.relative_to(kit).as_posix(), set()
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                where = f"{path}:{number}"
                try:
                    vector = json.loads(line)
                except ValueError as e:
                    problems.append(f"{where}: not JSON: {e}")
                    continue
                if not isinstance(vector, dict):
                    problems.append(f"{where}: not a JSON object")
                    continue
                key = tuple(vector.get(k) for k in ("version", "magic", "record_type", "value_version", "case"))
                if key in seen:
                    problems.append(f"{where}: a second vector of this version (or magic) and case")
                seen.add(key)
                problems.extend(f"{where} {vector.get('case')}: {p}" for p in check_one(vector, path, sources))
                counts[directory] = counts.get(directory, 0) + 1
    return problems, counts, files


def records_dir_problems(vector, path, sources):
    check_one = bad_crc_problems if Path(path).name == "bad-crc.jsonl" else records_problems
    return check_one(vector, path, sources)


OTHER_DIRS = {"negative": negative_problems, "records": records_dir_problems, "stored": stored_problems}


def main():
    kit = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    problems, counts, decoded, files = check(kit)
    other_problems, other_counts, other_files = check_other(kit, OTHER_DIRS)
    problems += other_problems
    files += other_files
    counts.update({f"{d} vector": n for d, n in other_counts.items()})
    for problem in problems:
        print(problem)
    total = sum(counts.values())
    kinds = ", ".join(f"{n} {kind}s" for kind, n in sorted(counts.items()))
    print(f"check.py: {total} vectors in {files} files ({kinds}), {decoded} decoded here, {len(problems)} problems",
          file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
