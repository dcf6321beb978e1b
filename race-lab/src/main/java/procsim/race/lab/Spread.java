package procsim.race.lab;

import java.util.Arrays;

/**
 * The spread of one measurement over a point's runs: how many runs, the median, the first and
 * third quartiles and the range. Quartiles interpolate linearly between order statistics (the
 * sample at rank {@code p * (n - 1)}, Hyndman and Fan's type 7, R's and NumPy's default), so the
 * median of an even count is the mean of the middle two.
 */
public record Spread(int n, double median, double q1, double q3, double min, double max) {
    /** The spread of {@code values} (at least one; not reordered). */
    public static Spread of(double[] values) {
        if (values.length == 0) throw new IllegalArgumentException("no values");
        double[] v = values.clone();
        Arrays.sort(v);
        return new Spread(v.length, quantile(v, 0.5), quantile(v, 0.25), quantile(v, 0.75), v[0], v[v.length - 1]);
    }

    /** The interquartile range, q3 - q1. */
    public double iqr() {
        return q3 - q1;
    }

    private static double quantile(double[] sorted, double p) {
        double rank = p * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
