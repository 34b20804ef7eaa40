package org.flowbeam.io.zeek;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flowbeam.model.CommunityId;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.TcpFlowTracker;
import org.flowbeam.testing.Trace;
import org.flowbeam.testing.ZeekAsciiLog;
import org.junit.jupiter.api.Test;

/**
 * FlowBeam's conn.log read back as Zeek's tools read it ({@link ZeekAsciiLog}): the header, the
 * agreement of {@code #fields} and {@code #types}, escaping, unset and empty values, {@code
 * #close}; and the values of hand-built flows whose answers follow from Zeek's documentation.
 */
class ZeekConnLogTest {
  private static Trace trace() {
    return Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(1_000_000);
  }

  private static FlowRecord flow(List<Packet> packets) {
    List<FlowRecord> out = new ArrayList<>();
    TcpFlowTracker t = new TcpFlowTracker(FlowKey.of(packets.get(0)), FlowRules.defaults());
    packets.forEach(p -> t.accept(p, out::add));
    t.finish(out::add);
    assertThat(out, hasSize(1));
    return out.get(0);
  }

  private static String write(ConnLogFormat format, List<FlowRecord> flows) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConnLogSink sink = new ConnLogSink(format, CommunityId.DEFAULT);
    sink.open(Channels.newChannel(bytes));
    for (FlowRecord f : flows) {
      sink.write(f);
    }
    sink.flush();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLogReadsAsZeeksToolsReadIt() throws Exception {
    FlowRecord sf =
        flow(trace().handshake().clientData(100).serverData(20).closeByClient().packets());
    FlowRecord s0 =
        flow(Trace.between("10.0.0.1", 40001, "10.0.0.2", 80).at(1_000_000).syn().packets());
    ZeekAsciiLog log = ZeekAsciiLog.parse(write(ConnLogFormat.TSV, List.of(sf, s0)));

    assertThat(log.separator, equalTo("\t"));
    assertThat(
        log.headerOrder,
        contains(
            "set_separator",
            "empty_field",
            "unset_field",
            "path",
            "open",
            "fields",
            "types",
            "close"));
    assertThat(log.header.get("set_separator"), equalTo(","));
    assertThat(log.header.get("empty_field"), equalTo("(empty)"));
    assertThat(log.header.get("unset_field"), equalTo("-"));
    assertThat(log.header.get("path"), equalTo("conn"));
    assertThat(log.header.get("open"), matchesPattern("\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d-\\d\\d"));
    assertThat(log.close, matchesPattern("\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d-\\d\\d"));
    assertThat(
        log.fields,
        contains(
            "ts",
            "uid",
            "id.orig_h",
            "id.orig_p",
            "id.resp_h",
            "id.resp_p",
            "proto",
            "service",
            "duration",
            "orig_bytes",
            "resp_bytes",
            "conn_state",
            "local_orig",
            "local_resp",
            "missed_bytes",
            "history",
            "orig_pkts",
            "orig_ip_bytes",
            "resp_pkts",
            "resp_ip_bytes",
            "community_id"));
    assertThat(
        log.types,
        contains(
            "time",
            "string",
            "addr",
            "port",
            "addr",
            "port",
            "enum",
            "string",
            "interval",
            "count",
            "count",
            "string",
            "bool",
            "bool",
            "count",
            "string",
            "count",
            "count",
            "count",
            "count",
            "string"));
    assertThat(log.rows, hasSize(2));

    Map<String, String> r = log.rows.get(0);
    assertThat(r.get("ts"), equalTo("1.000000"));
    assertThat(r.get("uid"), matchesPattern("C[0-9A-Za-z]{17}"));
    assertThat(r.get("id.orig_h"), equalTo("10.0.0.1"));
    assertThat(r.get("id.orig_p"), equalTo("40000"));
    assertThat(r.get("id.resp_h"), equalTo("10.0.0.2"));
    assertThat(r.get("id.resp_p"), equalTo("80"));
    assertThat(r.get("proto"), equalTo("tcp"));
    assertThat(r.get("service"), nullValue());
    // The second FIN closes the connection 8 packets (1 ms apart) after the SYN; the last ACK
    // is not part of Zeek's duration.
    assertThat(r.get("duration"), equalTo("0.008000"));
    assertThat(r.get("orig_bytes"), equalTo("100"));
    assertThat(r.get("resp_bytes"), equalTo("20"));
    assertThat(r.get("conn_state"), equalTo("SF"));
    assertThat(r.get("local_orig"), nullValue());
    assertThat(r.get("local_resp"), nullValue());
    assertThat(r.get("missed_bytes"), nullValue());
    assertThat(r.get("history"), equalTo("ShADadFf"));
    assertThat(r.get("orig_pkts"), equalTo("6"));
    assertThat(r.get("orig_ip_bytes"), equalTo("340"));
    assertThat(r.get("resp_pkts"), equalTo("4"));
    assertThat(r.get("resp_ip_bytes"), equalTo("180"));
    assertThat(r.get("community_id"), equalTo(CommunityId.DEFAULT.of(sf)));

    // One SYN: no duration, so Zeek logs neither it nor the payload sizes.
    Map<String, String> syn = log.rows.get(1);
    assertThat(syn.get("conn_state"), equalTo("S0"));
    assertThat(syn.get("history"), equalTo("S"));
    assertThat(syn.get("duration"), nullValue());
    assertThat(syn.get("orig_bytes"), nullValue());
    assertThat(syn.get("resp_bytes"), nullValue());
    assertThat(syn.get("orig_pkts"), equalTo("1"));
    assertThat(syn.get("resp_pkts"), equalTo("0"));
    assertThat(syn.get("uid"), not(equalTo(r.get("uid"))));
  }

  @Test
  void valuesAreTypedAsTheirTypesSay() throws Exception {
    FlowRecord sf = flow(trace().handshake().clientData(100).closeByClient().packets());
    ZeekAsciiLog log = ZeekAsciiLog.parse(write(ConnLogFormat.TSV, List.of(sf)));
    Map<String, String> row = log.rows.get(0);
    for (int i = 0; i < log.fields.size(); i++) {
      String v = row.get(log.fields.get(i));
      if (v == null) {
        continue;
      }
      switch (log.types.get(i)) {
        case "time":
        case "interval":
          assertThat(log.fields.get(i), v, matchesPattern("\\d+\\.\\d{6}"));
          break;
        case "count":
        case "port":
          assertThat(log.fields.get(i), v, matchesPattern("\\d+"));
          break;
        case "bool":
          assertThat(log.fields.get(i), v, matchesPattern("[TF]"));
          break;
        case "addr":
          assertThat(log.fields.get(i), v, matchesPattern("[0-9a-f.:]+"));
          break;
        default:
          assertThat(log.fields.get(i), v.contains("\t"), equalTo(false));
      }
    }
  }

  @Test
  void stringsAreEscapedAsZeekEscapesThem() {
    assertThat(ZeekConnLog.escape("a\tb"), equalTo("a\\x09b"));
    assertThat(ZeekConnLog.escape("line\nend"), equalTo("line\\x0aend"));
    assertThat(ZeekConnLog.escape("back\\slash"), equalTo("back\\x5cslash"));
    assertThat(ZeekConnLog.escape(""), equalTo("(empty)"));
    assertThat(ZeekConnLog.escape("-"), equalTo("\\x2d"));
    assertThat(ZeekConnLog.escape("a,b"), equalTo("a,b"));
    // Read back, each is the string it was.
    for (String s : List.of("a\tb", "line\nend", "back\\slash", "-", "1:abc+/=")) {
      assertThat(ZeekAsciiLog.unescape(ZeekConnLog.escape(s)), equalTo(s));
    }
    String row =
        ZeekConnLog.tsvRow(
            java.util.Arrays.asList(
                1.5,
                "C1",
                "10.0.0.1",
                1L,
                "10.0.0.2",
                2L,
                "tcp",
                "a\tb",
                null,
                null,
                null,
                "OTH",
                true,
                false,
                0L,
                "",
                1L,
                null,
                0L,
                null,
                "-"));
    assertThat(
        row,
        equalTo(
            "1.500000\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\ta\\x09b\t-\t-\t-\tOTH\tT\tF\t0\t(empty)"
                + "\t1\t-\t0\t-\t\\x2d\n"));
  }

  @Test
  void aBrokenLogIsRefusedByTheReader() {
    // The reader itself must fail on what Zeek's tools reject, or the tests above prove nothing.
    assertThrows(IllegalArgumentException.class, () -> ZeekAsciiLog.parse("#fields\tts\n"));
    String header = ZeekConnLog.tsvHeader(java.time.Instant.EPOCH);
    assertThrows(IllegalArgumentException.class, () -> ZeekAsciiLog.parse(header));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ZeekAsciiLog.parse(
                header + "1.000000\tC1\n" + ZeekConnLog.tsvClose(java.time.Instant.EPOCH)));
  }

  @Test
  void jsonLinesUseZeeksNamesAndLeaveUnsetFieldsOut() throws Exception {
    FlowRecord sf =
        flow(trace().handshake().clientData(100).serverData(20).closeByClient().packets());
    FlowRecord s0 = flow(trace().syn().packets());
    String text = write(ConnLogFormat.JSON, List.of(sf, s0));
    String[] lines = text.split("\n");
    assertThat(lines.length, equalTo(2));
    ObjectMapper json = new ObjectMapper();
    JsonNode r = json.readTree(lines[0]);
    List<String> keys = new ArrayList<>();
    r.fieldNames().forEachRemaining(keys::add);
    assertThat(
        keys,
        contains(
            "ts",
            "uid",
            "id.orig_h",
            "id.orig_p",
            "id.resp_h",
            "id.resp_p",
            "proto",
            "duration",
            "orig_bytes",
            "resp_bytes",
            "conn_state",
            "history",
            "orig_pkts",
            "orig_ip_bytes",
            "resp_pkts",
            "resp_ip_bytes",
            "community_id"));
    assertThat(r.get("ts").isNumber(), equalTo(true));
    assertThat(r.get("ts").asDouble(), equalTo(1.0));
    assertThat(r.get("duration").asDouble(), closeTo(0.008, 1e-9));
    assertThat(r.get("id.orig_p").isIntegralNumber(), equalTo(true));
    assertThat(r.get("id.orig_p").asInt(), equalTo(40000));
    assertThat(r.get("proto").asText(), equalTo("tcp"));
    assertThat(r.get("conn_state").asText(), equalTo("SF"));
    assertThat(r.get("history").asText(), equalTo("ShADadFf"));
    assertThat(r.get("orig_bytes").asLong(), equalTo(100L));
    assertThat(r.get("resp_ip_bytes").asLong(), equalTo(180L));
    // The TSV and JSON rows of a flow carry the same uid.
    assertThat(
        r.get("uid").asText(),
        equalTo(ZeekAsciiLog.parse(write(ConnLogFormat.TSV, List.of(sf))).rows.get(0).get("uid")));
    JsonNode syn = json.readTree(lines[1]);
    assertThat(syn.has("duration"), equalTo(false));
    assertThat(syn.has("orig_bytes"), equalTo(false));
    assertThat(syn.get("conn_state").asText(), equalTo("S0"));
  }

  @Test
  void timesAreZeeksDoubles() {
    assertThat(
        ZeekConnLog.jsonDouble(ZeekConnLog.seconds(1_591_367_999_305_988L)),
        equalTo("1591367999.305988"));
    assertThat(ZeekConnLog.jsonDouble(ZeekConnLog.seconds(1_000_000L)), equalTo("1.0"));
    assertThat(ZeekConnLog.proto(58), equalTo("icmp"));
  }

  @Test
  void anUnknownPayloadLeavesHistoryAndBytesUnset() throws Exception {
    List<Packet> csvLike = new ArrayList<>();
    for (Packet p : trace().handshake().clientData(100).closeByClient().packets()) {
      csvLike.add(p.toBuilder().payloadLength(Packet.UNKNOWN).ipLength(Packet.UNKNOWN).build());
    }
    Map<String, String> r =
        ZeekAsciiLog.parse(write(ConnLogFormat.TSV, List.of(flow(csvLike)))).rows.get(0);
    assertThat(r.get("conn_state"), equalTo("SF"));
    assertThat(r.get("history"), nullValue());
    assertThat(r.get("orig_bytes"), nullValue());
    assertThat(r.get("orig_ip_bytes"), nullValue());
    assertThat(r.get("orig_pkts"), equalTo("5"));
  }
}
