package org.flowbeam.generate;

/**
 * The generator's random numbers: SplitMix64, written out here (not {@link java.util.Random} or
 * {@link java.util.SplittableRandom}) so that a seed gives the same stream on every JDK, and with
 * {@link StrictMath} for every transcendental function, whose results, unlike {@link Math}'s, are
 * specified bit for bit. Together they make a seed's output byte-identical everywhere.
 */
final class Rng {
  private long state;

  Rng(long seed) {
    this.state = seed;
  }

  long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1). */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound), bound > 0. */
  int nextInt(int bound) {
    return (int) (((nextLong() >>> 32) * bound) >>> 32);
  }

  /** Uniform in [lo, hi]. */
  long between(long lo, long hi) {
    return lo + (long) (nextDouble() * (hi - lo + 1));
  }

  /** True with probability {@code p}. */
  boolean chance(double p) {
    return p > 0 && nextDouble() < p;
  }

  /** Exponential with the given mean. */
  double exponential(double mean) {
    return -mean * StrictMath.log(1 - nextDouble());
  }

  /** Log-uniform in [lo, hi]: as many values per decade. */
  long logUniform(long lo, long hi) {
    double a = StrictMath.log(lo);
    double b = StrictMath.log(hi);
    return Math.min(hi, Math.max(lo, (long) StrictMath.exp(a + nextDouble() * (b - a))));
  }

  /** Log-normal with the given median and shape, clamped to [lo, hi]. */
  long logNormal(double median, double sigma, long lo, long hi) {
    double u1 = 1 - nextDouble();
    double u2 = nextDouble();
    double g = StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
    long v = (long) (median * StrictMath.exp(sigma * g));
    return Math.min(hi, Math.max(lo, v));
  }
}
