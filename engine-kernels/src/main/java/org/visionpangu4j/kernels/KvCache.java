package org.visionpangu4j.kernels;

/**
 * Keys and values of one sequence for every layer: per layer and KV head, rows of headDim floats for positions
 * 0 .. capacity−1. {@link Type#F32} stores floats; {@link Type#INT8} stores int8 quants with one float scale per
 * (position, head) row (scale = max|x|/127), quartering the memory and bandwidth of long contexts.
 */
public final class KvCache {
    public enum Type { F32, INT8 }

    private final Type type;
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final int capacity;
    private final float[][] kf;
    private final float[][] vf;
    private final byte[][] kq;
    private final byte[][] vq;
    private final float[][] ks;
    private final float[][] vs;

    public KvCache(Type type, int layers, int kvHeads, int headDim, int capacity) {
        this.type = type;
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.capacity = capacity;
        long perLayer = (long) kvHeads * capacity * headDim;
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("KV cache of " + capacity + " positions is too large per layer");
        }
        if (type == Type.F32) {
            kf = new float[layers][(int) perLayer];
            vf = new float[layers][(int) perLayer];
            kq = vq = null;
            ks = vs = null;
        } else {
            kq = new byte[layers][(int) perLayer];
            vq = new byte[layers][(int) perLayer];
            ks = new float[layers][kvHeads * capacity];
            vs = new float[layers][kvHeads * capacity];
            kf = vf = null;
        }
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

    public int capacity() {
        return capacity;
    }

    /** Bytes held by this cache. */
    public long byteSize() {
        long per = (long) layers * kvHeads * capacity * headDim;
        return type == Type.F32 ? 2 * per * 4 : 2 * per + 2L * layers * kvHeads * capacity * 4;
    }

    /** Stores k[kOff .. +kvHeads·headDim) and v likewise as position pos of layer. */
    public void put(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        if (pos < 0 || pos >= capacity) {
            throw new IndexOutOfBoundsException("position " + pos + " outside KV cache capacity " + capacity);
        }
        for (int h = 0; h < kvHeads; h++) {
            int src = h * headDim;
            int row = h * capacity + pos;
            if (type == Type.F32) {
                System.arraycopy(k, kOff + src, kf[layer], row * headDim, headDim);
                System.arraycopy(v, vOff + src, vf[layer], row * headDim, headDim);
            } else {
                ks[layer][row] = quantizeRow(k, kOff + src, kq[layer], row * headDim, headDim);
                vs[layer][row] = quantizeRow(v, vOff + src, vq[layer], row * headDim, headDim);
            }
        }
    }

    private static float quantizeRow(float[] x, int off, byte[] q, int qOff, int n) {
        float amax = 0f;
        for (int i = 0; i < n; i++) {
            amax = Math.max(amax, Math.abs(x[off + i]));
        }
        float scale = amax / 127f;
        float inv = scale == 0f ? 0f : 1f / scale;
        for (int i = 0; i < n; i++) {
            q[qOff + i] = (byte) Math.round(x[off + i] * inv);
        }
        return scale;
    }

    /** K[layer, head, pos, i] as float. */
    public float key(int layer, int head, int pos, int i) {
        int row = head * capacity + pos;
        return type == Type.F32 ? kf[layer][row * headDim + i] : kq[layer][row * headDim + i] * ks[layer][row];
    }

    /** V[layer, head, pos, i] as float. */
    public float value(int layer, int head, int pos, int i) {
        int row = head * capacity + pos;
        return type == Type.F32 ? vf[layer][row * headDim + i] : vq[layer][row * headDim + i] * vs[layer][row];
    }

    // Raw access for the attention kernels (same package).
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
