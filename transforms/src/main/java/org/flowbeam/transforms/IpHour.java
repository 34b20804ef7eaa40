package org.flowbeam.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;
import org.flowbeam.model.HourlyIpStats;

/**
 * An address and a UTC hour of packet time: the key of the per-address partial sums that a {@link
 * PacketDigest} gives, so that they can be combined per address or per address and hour.
 *
 * @param hourStartUs the hour's start, µs since the epoch ({@link HourlyIpStats#hourStartUs})
 * @param ip the address as text
 */
public record IpHour(long hourStartUs, String ip) implements Serializable {

  /** A deterministic coder: the hour start, then the address. */
  public static Coder<IpHour> coder() {
    return IpHourCoder.INSTANCE;
  }

  private static final class IpHourCoder extends CustomCoder<IpHour> {
    static final IpHourCoder INSTANCE = new IpHourCoder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();

    @Override
    public void encode(IpHour k, OutputStream out) throws IOException {
      VarInt.encode(k.hourStartUs, out);
      STRING.encode(k.ip, out);
    }

    @Override
    public IpHour decode(InputStream in) throws IOException {
      return new IpHour(VarInt.decodeLong(in), STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}

    private Object readResolve() {
      return INSTANCE;
    }
  }
}
