package org.visionpangu4j.bench.e2e;

/**
 * Mean and sample standard deviation of one metric over the measured runs. A metric that was not measured
 * (its phase skipped) is {@link #NONE}: both NaN.
 */
public record Stats(double mean, double sd) {
    public static final Stats NONE = new Stats(Double.NaN, Double.NaN);

    /** Mean ± sample sd (n − 1 in the denominator; 0 for a single run). NaN samples mean "not measured". */
    public static Stats of(double[] samples) {
        int n = samples.length;
        if (n == 0 || Double.isNaN(samples[0])) {
            return NONE;
        }
        double sum = 0;
        for (double s : samples) {
            sum += s;
        }
        double mean = sum / n;
        if (n == 1) {
            return new Stats(mean, 0);
        }
        double ss = 0;
        for (double s : samples) {
            ss += (s - mean) * (s - mean);
        }
        return new Stats(mean, Math.sqrt(ss / (n - 1)));
    }

    public boolean measured() {
        return !Double.isNaN(mean);
    }
}
