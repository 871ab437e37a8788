package org.visionpangu4j.llm.tokenizer;

import org.visionpangu4j.core.ModelFormatException;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * A minimal protobuf wire-format reader over one message held in a byte array: varints, fixed32/64,
 * length-delimited fields and groups. Every read is bounds-checked; a violation becomes a
 * {@link ModelFormatException} naming the file, the message path and the field.
 *
 * <p>Usage: {@code while (r.next()) switch (r.field()) { case 1 -> r.string(); default -> r.skip(); }}.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int GROUP_START = 3;
    static final int GROUP_END = 4;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private final int end;
    private final String source;   // file name, for messages
    private final String path;     // message path, e.g. "ModelProto.trainer_spec"
    private int pos;
    private int field;
    private int wireType;

    ProtoReader(byte[] buf, int start, int end, String source, String path) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.source = source;
        this.path = path;
    }

    /** Reads the next tag; false at the end of this message. */
    boolean next() {
        if (pos >= end) {
            return false;
        }
        long tag = rawVarint("tag");
        if (tag > Integer.MAX_VALUE || tag < 0) {
            throw error("tag " + Long.toUnsignedString(tag) + " is out of range");
        }
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field == 0) {
            throw error("field number 0 is invalid");
        }
        if (wireType > FIXED32) {
            throw error("field " + field + " has invalid wire type " + wireType);
        }
        if (wireType == GROUP_END) {
            throw error("field " + field + ": end-group tag without a start-group");
        }
        return true;
    }

    int field() {
        return field;
    }

    /** A varint field (int32, int64, uint64, bool, enum), 64 bits as encoded. */
    long varint(String name) {
        expect(VARINT, name);
        return rawVarint(name);
    }

    /** An int32 or enum field; negative int32 values are sign-extended 10-byte varints on the wire. */
    int int32(String name) {
        long v = varint(name);
        if (v != (int) v) {
            throw error(name + " (field " + field + ") = " + v + " does not fit in int32");
        }
        return (int) v;
    }

    boolean bool(String name) {
        return varint(name) != 0;
    }

    float fixed32Float(String name) {
        expect(FIXED32, name);
        need(4, name);
        int bits = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16
                | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    /** A UTF-8 string field; malformed UTF-8 is an error (protobuf requires valid UTF-8 for strings). */
    String string(String name) {
        int len = length(name);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, len)).toString();
            pos += len;
            return s;
        } catch (CharacterCodingException e) {
            throw error(name + " (field " + field + ") is not valid UTF-8");
        }
    }

    byte[] bytes(String name) {
        int len = length(name);
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }

    /** A reader over an embedded message field; this reader moves past it. */
    ProtoReader message(String name) {
        int len = length(name);
        ProtoReader sub = new ProtoReader(buf, pos, pos + len, source, path + "." + name);
        pos += len;
        return sub;
    }

    /** Skips the current field whatever its wire type (unknown fields). */
    void skip() {
        skipField(field, wireType, 0);
    }

    private void skipField(int f, int wt, int depth) {
        switch (wt) {
            case VARINT -> rawVarint("field " + f);
            case FIXED64 -> {
                need(8, "field " + f);
                pos += 8;
            }
            case FIXED32 -> {
                need(4, "field " + f);
                pos += 4;
            }
            case LEN -> {
                int len = rawLength("field " + f);   // read before adding: rawLength moves pos
                pos += len;
            }
            case GROUP_START -> skipGroup(f, depth + 1);
            default -> throw error("field " + f + " has invalid wire type " + wt);
        }
    }

    // Groups are deprecated but legal; skip nested ones up to a sane depth so a hostile file cannot recurse deeply.
    private void skipGroup(int groupField, int depth) {
        if (depth > 64) {
            throw error("groups nested deeper than 64 at field " + groupField);
        }
        while (true) {
            if (pos >= end) {
                throw error("group field " + groupField + " is not terminated (truncated file?)");
            }
            long tag = rawVarint("tag");
            int f = (int) (tag >>> 3);
            int wt = (int) (tag & 7);
            if (tag < 0 || tag > Integer.MAX_VALUE || f == 0 || wt > FIXED32) {
                throw error("invalid tag " + Long.toUnsignedString(tag) + " inside group field " + groupField);
            }
            if (wt == GROUP_END) {
                if (f != groupField) {
                    throw error("group field " + groupField + " closed by end-group of field " + f);
                }
                return;
            }
            skipField(f, wt, depth);
        }
    }

    private void expect(int wt, String name) {
        if (wireType != wt) {
            throw error(name + " (field " + field + ") has wire type " + wireName(wireType) + ", expected "
                    + wireName(wt));
        }
    }

    private int length(String name) {
        expect(LEN, name);
        return rawLength(name);
    }

    private int rawLength(String name) {
        long len = rawVarint(name + " length");
        if (len < 0 || len > Integer.MAX_VALUE) {
            throw error(name + " (field " + field + ") has negative or oversized length " + len);
        }
        need((int) len, name);
        return (int) len;
    }

    private long rawVarint(String name) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw error(name + ": varint runs past the end of the message (truncated file?)");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw error(name + ": varint longer than 10 bytes");
    }

    private void need(int n, String name) {
        if (n > end - pos) {
            throw error(name + " (field " + field + ") needs " + n + " bytes but only " + (end - pos)
                    + " remain in " + path + " (truncated file?)");
        }
    }

    ModelFormatException error(String what) {
        return new ModelFormatException(source + ": malformed SentencePiece model at " + path + " (byte " + pos
                + "): " + what);
    }

    private static String wireName(int wt) {
        return switch (wt) {
            case VARINT -> "varint";
            case FIXED64 -> "fixed64";
            case LEN -> "length-delimited";
            case GROUP_START -> "start-group";
            case GROUP_END -> "end-group";
            case FIXED32 -> "fixed32";
            default -> "invalid(" + wt + ")";
        };
    }
}
