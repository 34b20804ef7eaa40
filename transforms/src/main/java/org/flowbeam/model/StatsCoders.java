package org.flowbeam.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Deterministic coders for the statistics records {@link IpStats}, {@link HourlyIpStats} and {@link
 * TimeBin}.
 */
public final class StatsCoders {
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();

  private StatsCoders() {}

  public static Coder<IpStats> ipStats() {
    return IpStatsCoder.INSTANCE;
  }

  public static Coder<HourlyIpStats> hourlyIpStats() {
    return HourlyIpStatsCoder.INSTANCE;
  }

  public static Coder<TimeBin> timeBin() {
    return TimeBinCoder.INSTANCE;
  }

  private static final class IpStatsCoder extends CustomCoder<IpStats> {
    static final IpStatsCoder INSTANCE = new IpStatsCoder();

    @Override
    public void encode(IpStats s, OutputStream out) throws IOException {
      STRING.encode(s.ip(), out);
      LONG.encode(s.sentPackets(), out);
      LONG.encode(s.recvPackets(), out);
      LONG.encode(s.sentBytes(), out);
      LONG.encode(s.recvBytes(), out);
      LONG.encode(s.firstTs(), out);
      LONG.encode(s.lastTs(), out);
    }

    private Object readResolve() {
      return INSTANCE;
    }

    @Override
    public IpStats decode(InputStream in) throws IOException {
      return new IpStats(
          STRING.decode(in),
          LONG.decode(in),
          LONG.decode(in),
          LONG.decode(in),
          LONG.decode(in),
          LONG.decode(in),
          LONG.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  private static final class HourlyIpStatsCoder extends CustomCoder<HourlyIpStats> {
    static final HourlyIpStatsCoder INSTANCE = new HourlyIpStatsCoder();

    @Override
    public void encode(HourlyIpStats s, OutputStream out) throws IOException {
      LONG.encode(s.hourStartUs(), out);
      IpStatsCoder.INSTANCE.encode(s.stats(), out);
    }

    private Object readResolve() {
      return INSTANCE;
    }

    @Override
    public HourlyIpStats decode(InputStream in) throws IOException {
      return new HourlyIpStats(LONG.decode(in), IpStatsCoder.INSTANCE.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  private static final class TimeBinCoder extends CustomCoder<TimeBin> {
    static final TimeBinCoder INSTANCE = new TimeBinCoder();

    @Override
    public void encode(TimeBin b, OutputStream out) throws IOException {
      LONG.encode(b.startUs(), out);
      LONG.encode(b.endUs(), out);
      LONG.encode(b.packets(), out);
      LONG.encode(b.bytes(), out);
      FlagCounts.coder().encode(b.flags(), out);
      LONG.encode(b.flowsStarted(), out);
    }

    private Object readResolve() {
      return INSTANCE;
    }

    @Override
    public TimeBin decode(InputStream in) throws IOException {
      long start = LONG.decode(in);
      long end = LONG.decode(in);
      long packets = LONG.decode(in);
      long bytes = LONG.decode(in);
      FlagCounts flags = FlagCounts.coder().decode(in);
      return new TimeBin(start, end, packets, bytes, flags, LONG.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
