package org.flowbeam.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

/**
 * {@link FlowRecordCoder}, the encoding of a flow at every shuffle after the keyed stage: every
 * field comes back, including the extremes of the Zeek summary ({@link ConnSummary#UNSET} counts,
 * no active end) and a tunnel, and a corrupt ordinal is a {@link CoderException}.
 */
class FlowRecordCoderTest {
  private static final Packet PACKET =
      Packet.builder()
          .timestampMicros(1_700_000_000_000_001L)
          .src("10.0.0.1", 40000)
          .dst("10.0.0.2", 80)
          .protocol(IpProtocol.TCP)
          .flags(TcpFlags.SYN)
          .length(60)
          .build();

  private static FlowRecord flow(ConnSummary conn, FlowTunnel tunnel, List<Packet> packets) {
    return new FlowRecord(
        "0123456789abcdef",
        "2001:db8::1",
        65535,
        "10.0.0.2",
        0,
        IpProtocol.TCP,
        1_700_000_000_000_001L,
        1_700_000_000_900_000L,
        12,
        0,
        1L << 40,
        3,
        new FlagCounts(1, 2, 3, 4, 5, 6, 7, Long.MAX_VALUE),
        true,
        FlowState.UNIDIRECTIONAL,
        InvalidReason.INVALID_ACK,
        CloseReason.END_OF_DATA,
        conn,
        tunnel,
        packets);
  }

  @Test
  void everyFieldComesBack() throws Exception {
    FlowTunnel gre = new FlowTunnel(Tunnel.of(TunnelType.GRE, "2001:db8::1", "2001:db8::2"), 7);
    List<FlowRecord> flows =
        List.of(
            flow(ConnSummary.UNKNOWN, FlowTunnel.NONE, List.of()),
            flow(
                new ConnSummary(ConnState.RSTRH, "ShADadFr", 0, 1, Long.MAX_VALUE - 1, 40, -5),
                gre,
                List.of(PACKET, PACKET)),
            flow(
                new ConnSummary(ConnState.SF, "", ConnSummary.UNSET, 0, 0, 0, 1_700_000_000L),
                new FlowTunnel(null, Long.MAX_VALUE),
                List.of(PACKET)));
    for (FlowRecord f : flows) {
      CoderProperties.coderDecodeEncodeEqual(FlowRecordCoder.of(), f);
    }
  }

  @Test
  void aTypicalFlowsSummaryTakesFewBytes() throws Exception {
    ConnSummary summary =
        new ConnSummary(ConnState.SF, "ShAdDaFf", 517, 10_342, 1_089, 11_026, Long.MIN_VALUE);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    summary.writeTo(new DataOutputStream(bytes));
    // State, history (2 + 8), four counts of 2 bytes each, the active-end marker.
    assertThat(bytes.size(), equalTo(1 + 10 + 8 + 1));
  }

  @Test
  void aCountTheEncodingCannotHoldIsRefusedAndACorruptSummaryIsNotRead() throws Exception {
    for (long count : new long[] {-2, Long.MIN_VALUE, Long.MAX_VALUE}) {
      ConnSummary summary = new ConnSummary(ConnState.SF, "", count, 0, 0, 0, Long.MIN_VALUE);
      IOException e =
          assertThrows(
              IOException.class,
              () -> summary.writeTo(new DataOutputStream(new ByteArrayOutputStream())));
      assertThat(e.getMessage(), containsString("byte count " + count));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new ConnSummary(ConnState.SF, "", 1, 2, 3, 4, Long.MIN_VALUE)
        .writeTo(new DataOutputStream(bytes));
    byte[] badMarker = bytes.toByteArray();
    badMarker[badMarker.length - 1] = 2;
    StreamCorruptedException e =
        assertThrows(
            StreamCorruptedException.class,
            () -> ConnSummary.readFrom(new DataInputStream(new ByteArrayInputStream(badMarker))));
    assertThat(e.getMessage(), containsString("bad active-end marker 2"));
  }

  @Test
  void aCorruptOrdinalIsRefused() throws Exception {
    byte[] bytes =
        CoderUtils.encodeToByteArray(
            FlowRecordCoder.of(), flow(ConnSummary.UNKNOWN, FlowTunnel.NONE, List.of()));
    // The close reason's ordinal: the last of the three bytes before the summary's state.
    byte[] corrupt = bytes.clone();
    int closeAt = closeReasonOffset(bytes);
    corrupt[closeAt] = (byte) 0x7f;
    CoderException e =
        assertThrows(
            CoderException.class,
            () -> CoderUtils.decodeFromByteArray(FlowRecordCoder.of(), corrupt));
    assertThat(e.getMessage(), containsString("bad close reason 127"));
    assertThat(
        CoderUtils.decodeFromByteArray(FlowRecordCoder.of(), bytes),
        equalTo(flow(ConnSummary.UNKNOWN, FlowTunnel.NONE, List.of())));
  }

  /** The offset of the close reason: the byte after the flow state's and the invalid reason's. */
  private static int closeReasonOffset(byte[] bytes) {
    byte state = (byte) FlowState.UNIDIRECTIONAL.ordinal();
    byte invalid = (byte) InvalidReason.INVALID_ACK.ordinal();
    byte close = (byte) CloseReason.END_OF_DATA.ordinal();
    for (int i = 0; i + 2 < bytes.length; i++) {
      if (bytes[i] == state && bytes[i + 1] == invalid && bytes[i + 2] == close) {
        return i + 2;
      }
    }
    throw new AssertionError("the three ordinals are not in the encoding");
  }
}
