package org.visionpangu4j.kernels;

import static org.visionpangu4j.kernels.SimdMath.F;

import jdk.incubator.vector.FloatVector;

/**
 * Rotary embedding in rotate-half (NeoX) layout: element i pairs with i + headDim/2.
 * inv_freq[i] = 1/θ^(2i/headDim), computed in float as HF does; angle = pos·inv_freq[i] in float; cos/sin of it.
 * cos/sin rows are cached per position, computed lazily and grown by doubling (thread-safe: readers see an
 * immutable snapshot). Scalar twin: {@code reference.ScalarRope}. The scalar tail (half not a multiple of the lane
 * count) does the same operations as the vector loop.
 */
public final class RopeTable {
    private static final int MIN_POSITIONS = 256;

    private final int headDim;
    private final int half;
    private final float[] invFreq;
    private volatile Table table;

    /** cos[pos·half + i], sin[pos·half + i] for pos &lt; positions. */
    private record Table(int positions, float[] cos, float[] sin) {
    }

    public RopeTable(int headDim, double theta) {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("RoPE head dim must be even and positive, got " + headDim);
        }
        if (!(theta > 0.0) || Double.isInfinite(theta)) {
            throw new IllegalArgumentException("RoPE theta must be a finite positive number, got " + theta);
        }
        this.headDim = headDim;
        this.half = headDim / 2;
        this.invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            // HF: 1.0 / (base ** (torch.arange(0, dim, 2, dtype=int64).float() / dim)), in float32.
            float exponent = (float) (2 * i) / (float) headDim;
            invFreq[i] = 1.0f / (float) Math.pow((float) theta, exponent);
        }
        this.table = new Table(0, new float[0], new float[0]);
    }

    public int headDim() {
        return headDim;
    }

    /** Fills cos[half] and sin[half] for position pos. */
    public void angles(int pos, float[] cos, float[] sin) {
        Table t = tableFor(pos);
        System.arraycopy(t.cos, pos * half, cos, 0, half);
        System.arraycopy(t.sin, pos * half, sin, 0, half);
    }

    /**
     * Rotates nHeads heads of x (row x[off .. off + nHeads·headDim)) for position pos:
     * out[i] = x[i]·cos − x[i+half]·sin, out[i+half] = x[i+half]·cos + x[i]·sin
     * (separate multiplies and adds, no fma: the same roundings as PyTorch's q·cos + rotate_half(q)·sin).
     */
    public void apply(float[] x, int off, int nHeads, int pos) {
        Table t = tableFor(pos);
        float[] cos = t.cos;
        float[] sin = t.sin;
        int cs = pos * half;
        for (int h = 0; h < nHeads; h++) {
            int lo = off + h * headDim;
            int hi = lo + half;
            int i = 0;
            for (int bound = F.loopBound(half); i < bound; i += F.length()) {
                FloatVector a = FloatVector.fromArray(F, x, lo + i);
                FloatVector b = FloatVector.fromArray(F, x, hi + i);
                FloatVector c = FloatVector.fromArray(F, cos, cs + i);
                FloatVector s = FloatVector.fromArray(F, sin, cs + i);
                a.mul(c).sub(b.mul(s)).intoArray(x, lo + i);
                b.mul(c).add(a.mul(s)).intoArray(x, hi + i);
            }
            for (; i < half; i++) {
                float a = x[lo + i];
                float b = x[hi + i];
                x[lo + i] = a * cos[cs + i] - b * sin[cs + i];
                x[hi + i] = b * cos[cs + i] + a * sin[cs + i];
            }
        }
    }

    private Table tableFor(int pos) {
        if (pos < 0) {
            throw new IllegalArgumentException("RoPE position must be ≥ 0, got " + pos);
        }
        Table t = table;
        return pos < t.positions ? t : grow(pos);
    }

    private synchronized Table grow(int pos) {
        Table t = table;
        if (pos < t.positions) {
            return t;
        }
        long want = Math.max(MIN_POSITIONS, Long.highestOneBit((long) pos) * 2);
        if (want * half > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("RoPE position " + pos + " is too large to cache");
        }
        int positions = (int) want;
        float[] cos = java.util.Arrays.copyOf(t.cos, positions * half);
        float[] sin = java.util.Arrays.copyOf(t.sin, positions * half);
        for (int p = t.positions; p < positions; p++) {
            for (int i = 0; i < half; i++) {
                float a = p * invFreq[i];
                cos[p * half + i] = (float) Math.cos(a);
                sin[p * half + i] = (float) Math.sin(a);
            }
        }
        Table grown = new Table(positions, cos, sin);
        table = grown;
        return grown;
    }
}
