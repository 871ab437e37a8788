package org.visionpangu4j.kernels;

/**
 * Keys and values of one sequence for every layer, positions 0 .. capacity−1 (the sequence budget).
 * {@link Type#F32} stores floats; {@link Type#INT8} stores int8 quants with one float scale per (position, head)
 * row (scale = max|x|/127, q = round(x/scale)), quartering the memory and bandwidth of long contexts.
 *
 * <p>Layout, per layer, chosen for the attention kernels (not for {@link #key}/{@link #value}, which are for tests
 * and debugging):
 * <ul>
 *   <li>keys in tiles of {@value #TILE} positions, transposed: element i of position p of head h sits at
 *       {@code h·capPad·headDim + (p/16)·16·headDim + i·16 + p%16}. One vector load then holds the same element of
 *       16 (or 8, or 4) consecutive keys, so q·Kᵀ for a tile is a chain of broadcast-FMAs with no horizontal sums,
 *       and the tile is read as one contiguous block;</li>
 *   <li>values row-major, rows padded to a multiple of 16 floats ({@code rowDim}): element i of position p of head h
 *       at {@code (h·capPad + p)·rowDim + i}, so P·V is a chain of broadcast-FMAs over whole vectors;</li>
 *   <li>int8 scales at {@code h·capPad + p}.</li>
 * </ul>
 * capPad is the capacity rounded up to {@value #POS_ALIGN}; the padding positions stay zero and are never
 * attended to. Arrays of int8 quants carry a few slack bytes at the end for the 128-bit widening loads.
 */
public final class KvCache {
    public enum Type { F32, INT8 }

    /** Positions per transposed key tile. */
    static final int TILE = 16;
    /** Capacity padding: the attention kernels read keys in groups of up to 64 from a multiple of 64. */
    static final int POS_ALIGN = 64;
    /** Slack after int8 arrays: widening 4 int8 lanes loads 8 bytes. */
    static final int BYTE_SLACK = 16;

    private final Type type;
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final int capacity;
    private final int capPad;
    private final int rowDim;
    private final float[][] kf;
    private final float[][] vf;
    private final byte[][] kq;
    private final byte[][] vq;
    private final float[][] ks;
    private final float[][] vs;

    public KvCache(Type type, int layers, int kvHeads, int headDim, int capacity) {
        if (type == null) {
            throw new IllegalArgumentException("KV cache type must not be null");
        }
        if (layers < 1 || kvHeads < 1 || headDim < 1 || capacity < 1) {
            throw new IllegalArgumentException("KV cache needs layers, kvHeads, headDim and capacity ≥ 1, got "
                    + layers + ", " + kvHeads + ", " + headDim + ", " + capacity);
        }
        this.type = type;
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.capacity = capacity;
        this.capPad = roundUp(capacity, POS_ALIGN);
        this.rowDim = roundUp(headDim, TILE);
        long perLayer = (long) kvHeads * capPad * rowDim + BYTE_SLACK;
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("KV cache of " + capacity + " positions × " + kvHeads + " heads × "
                    + headDim + " is too large per layer");
        }
        int keyLen = kvHeads * capPad * headDim;
        int valueLen = kvHeads * capPad * rowDim;
        if (type == Type.F32) {
            kf = new float[layers][keyLen];
            vf = new float[layers][valueLen];
            kq = vq = null;
            ks = vs = null;
        } else {
            kq = new byte[layers][keyLen + BYTE_SLACK];
            vq = new byte[layers][valueLen + BYTE_SLACK];
            ks = new float[layers][kvHeads * capPad];
            vs = new float[layers][kvHeads * capPad];
            kf = vf = null;
        }
    }

    private static int roundUp(int x, int m) {
        return (int) (((long) x + m - 1) / m * m);
    }

    public Type type() {
        return type;
    }

    public int layers() {
        return layers;
    }

    public int kvHeads() {
        return kvHeads;
    }

    public int headDim() {
        return headDim;
    }

    /** Positions this cache can hold (the sequence budget). */
    public int capacity() {
        return capacity;
    }

    /** Bytes held by this cache. */
    public long byteSize() {
        long keys = (long) layers * kvHeads * capPad * headDim;
        long values = (long) layers * kvHeads * capPad * rowDim;
        if (type == Type.F32) {
            return 4 * (keys + values);
        }
        return keys + values + 2L * layers * BYTE_SLACK + 2L * 4 * layers * kvHeads * capPad;
    }

    /** Stores k[kOff .. +kvHeads·headDim) and v likewise (heads concatenated) as position pos of layer. */
    public void put(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        checkLayer(layer);
        if (pos < 0 || pos >= capacity) {
            throw new IndexOutOfBoundsException("position " + pos + " outside KV cache capacity " + capacity);
        }
        int width = kvHeads * headDim;
        if (kOff < 0 || kOff > k.length - width || vOff < 0 || vOff > v.length - width) {
            throw new IllegalArgumentException("KV cache put needs " + width + " floats of k and v from offsets "
                    + kOff + ", " + vOff + "; arrays hold " + k.length + ", " + v.length);
        }
        for (int h = 0; h < kvHeads; h++) {
            int src = h * headDim;
            int kt = keyIndex(h, pos, 0);
            int vr = valueIndex(h, pos, 0);
            if (type == Type.F32) {
                float[] kl = kf[layer];
                for (int i = 0; i < headDim; i++) {
                    kl[kt + i * TILE] = k[kOff + src + i];
                }
                System.arraycopy(v, vOff + src, vf[layer], vr, headDim);
            } else {
                ks[layer][scaleIndex(h, pos)] = quantizeRow(k, kOff + src, kq[layer], kt, TILE);
                vs[layer][scaleIndex(h, pos)] = quantizeRow(v, vOff + src, vq[layer], vr, 1);
            }
        }
    }

    /** q[qOff + i·stride] = round(x[off+i] / scale), scale = max|x|/127 (returned). */
    private float quantizeRow(float[] x, int off, byte[] q, int qOff, int stride) {
        float amax = 0f;
        for (int i = 0; i < headDim; i++) {
            amax = Math.max(amax, Math.abs(x[off + i]));
        }
        float scale = amax / 127f;
        float inv = scale == 0f ? 0f : 1f / scale;
        for (int i = 0; i < headDim; i++) {
            q[qOff + i * stride] = (byte) Math.round(x[off + i] * inv);
        }
        return scale;
    }

    /** K[layer, head, pos, i] as float (dequantised for int8). */
    public float key(int layer, int head, int pos, int i) {
        checkElement(layer, head, pos, i);
        int at = keyIndex(head, pos, i);
        return type == Type.F32 ? kf[layer][at] : kq[layer][at] * ks[layer][scaleIndex(head, pos)];
    }

    /** V[layer, head, pos, i] as float (dequantised for int8). */
    public float value(int layer, int head, int pos, int i) {
        checkElement(layer, head, pos, i);
        int at = valueIndex(head, pos, i);
        return type == Type.F32 ? vf[layer][at] : vq[layer][at] * vs[layer][scaleIndex(head, pos)];
    }

    private void checkLayer(int layer) {
        if (layer < 0 || layer >= layers) {
            throw new IndexOutOfBoundsException("layer " + layer + " outside KV cache of " + layers + " layers");
        }
    }

    private void checkElement(int layer, int head, int pos, int i) {
        checkLayer(layer);
        if (head < 0 || head >= kvHeads || pos < 0 || pos >= capacity || i < 0 || i >= headDim) {
            throw new IndexOutOfBoundsException("KV element (head " + head + ", pos " + pos + ", i " + i
                    + ") outside " + kvHeads + " heads × " + capacity + " positions × " + headDim);
        }
    }

    // ---- layout, for the attention kernels (same package) ----

    int capPad() {
        return capPad;
    }

    /** Value row stride: headDim rounded up to 16. */
    int rowDim() {
        return rowDim;
    }

    /** Index of key element i of (head, pos) in the key array of a layer. */
    int keyIndex(int head, int pos, int i) {
        return head * capPad * headDim + (pos / TILE) * TILE * headDim + i * TILE + pos % TILE;
    }

    /** Index of value element i of (head, pos) in the value array of a layer. */
    int valueIndex(int head, int pos, int i) {
        return (head * capPad + pos) * rowDim + i;
    }

    /** Index of the int8 scale of (head, pos) in the scale arrays of a layer. */
    int scaleIndex(int head, int pos) {
        return head * capPad + pos;
    }

    float[] keysF32(int layer) {
        return kf[layer];
    }

    float[] valuesF32(int layer) {
        return vf[layer];
    }

    byte[] keysI8(int layer) {
        return kq[layer];
    }

    byte[] valuesI8(int layer) {
        return vq[layer];
    }

    float[] keyScales(int layer) {
        return ks[layer];
    }

    float[] valueScales(int layer) {
        return vs[layer];
    }
}
