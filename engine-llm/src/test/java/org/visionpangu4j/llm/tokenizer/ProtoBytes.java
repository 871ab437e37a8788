package org.visionpangu4j.llm.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes protobuf wire format by hand, for building test models (valid and deliberately broken). */
final class ProtoBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoBytes varint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return this;
    }

    ProtoBytes tag(int field, int wireType) {
        return varint((long) field << 3 | wireType);
    }

    ProtoBytes varintField(int field, long v) {
        return tag(field, 0).varint(v);
    }

    ProtoBytes floatField(int field, float v) {
        tag(field, 5);
        int bits = Float.floatToIntBits(v);
        for (int i = 0; i < 4; i++) {
            out.write(bits >>> (8 * i) & 0xFF);
        }
        return this;
    }

    ProtoBytes bytesField(int field, byte[] b) {
        tag(field, 2).varint(b.length);
        out.writeBytes(b);
        return this;
    }

    ProtoBytes stringField(int field, String s) {
        return bytesField(field, s.getBytes(StandardCharsets.UTF_8));
    }

    ProtoBytes messageField(int field, ProtoBytes m) {
        return bytesField(field, m.toBytes());
    }

    ProtoBytes raw(byte... b) {
        out.writeBytes(b);
        return this;
    }

    byte[] toBytes() {
        return out.toByteArray();
    }
}
