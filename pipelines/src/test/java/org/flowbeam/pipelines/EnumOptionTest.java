package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.flowbeam.io.FlowSinks;
import org.flowbeam.io.sink.FileFormat;
import org.flowbeam.io.zeek.ConnLogFormat;
import org.flowbeam.pipelines.FlowBeamOptions.Assembly;
import org.flowbeam.pipelines.FlowBeamOptions.Format;
import org.flowbeam.pipelines.FlowBeamOptions.Layout;
import org.flowbeam.pipelines.FlowBeamOptions.OutputFormat;
import org.junit.jupiter.api.Test;

/**
 * The enum-valued options: their command-line spelling, their errors and their manifest entries.
 */
class EnumOptionTest {
  private static FlowBeamOptions parse(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(FlowBeamOptions.class);
  }

  @Test
  void lowerCaseValuesAndDefaults() {
    FlowBeamOptions o = parse("--format=pcap", "--layout=timearcs", "--assembly=packets");
    assertThat(o.getFormat(), is(Format.PCAP));
    assertThat(o.getLayout(), is(Layout.TIMEARCS));
    assertThat(o.getAssembly(), is(Assembly.PACKETS));

    FlowBeamOptions defaults = parse();
    assertThat(defaults.getFormat(), is(Format.AUTO));
    assertThat(defaults.getLayout(), is(Layout.FLOWBEAM));
    assertThat(defaults.getAssembly(), is(Assembly.FRAGMENTS));
  }

  @Test
  void formatsIsACommaListDefaultingToCsvAndAvro() {
    assertThat(
        parse("--formats=csv,parquet").getFormats(),
        contains(OutputFormat.CSV, OutputFormat.PARQUET));
    assertThat(
        parse("--formats=PARQUET,Avro").getFormats(),
        contains(OutputFormat.PARQUET, OutputFormat.AVRO));
    assertThat(parse().getFormats(), contains(OutputFormat.CSV, OutputFormat.AVRO));
    assertThat(
        FlowBeamPipeline.formats(parse("--formats=parquet,csv,parquet")),
        equalTo(EnumSet.of(FileFormat.CSV, FileFormat.PARQUET)));
    assertThat(FlowBeamPipeline.formats(parse()), equalTo(FlowSinks.DEFAULT_FORMATS));
  }

  @Test
  void zeekFormatsAreSpeltWithAHyphenAndAddTheConnLog() {
    FlowBeamOptions o = parse("--formats=csv,zeek,ZEEK-JSON");
    assertThat(FlowBeamPipeline.formats(o), equalTo(EnumSet.of(FileFormat.CSV)));
    assertThat(
        FlowBeamPipeline.connLogFormats(o),
        equalTo(EnumSet.of(ConnLogFormat.TSV, ConnLogFormat.JSON)));
    assertThat(EnumOption.spelling(o.getFormats()), equalTo("csv,zeek,zeek-json"));
    FlowBeamOptions zeekOnly = parse("--formats=zeek");
    assertThat(FlowBeamPipeline.formats(zeekOnly), equalTo(EnumSet.noneOf(FileFormat.class)));
    assertThat(
        FlowBeamPipeline.connLogFormats(parse()), equalTo(EnumSet.noneOf(ConnLogFormat.class)));
  }

  @Test
  void aBadFormatNamesTheOptionAndItsValues() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> parse("--formats=csv,orc"));
    Throwable cause = e;
    while (!(cause instanceof UsageException)) {
      cause = cause.getCause();
    }
    assertThat(
        cause.getMessage(),
        equalTo("--formats must be csv, avro, parquet, zeek or zeek-json, got 'orc'"));
    FlowBeamOptions none = parse();
    none.setFormats(List.of());
    UsageException empty =
        assertThrows(UsageException.class, () -> FlowBeamPipeline.validate(none));
    assertThat(
        empty.getMessage(),
        equalTo("--formats must list at least one of csv, avro, parquet, zeek or zeek-json"));
  }

  @Test
  void anyCaseIsAccepted() {
    assertThat(parse("--format=CSV").getFormat(), is(Format.CSV));
    assertThat(parse("--layout=TimeArcs").getLayout(), is(Layout.TIMEARCS));
  }

  @Test
  void aBadValueNamesTheOptionAndItsValues() {
    UsageException e =
        assertThrows(UsageException.class, () -> EnumOption.parse(Layout.class, "bogus"));
    assertThat(e.getMessage(), equalTo("--layout must be flowbeam or timearcs, got 'bogus'"));
    e = assertThrows(UsageException.class, () -> EnumOption.parse(Format.class, "parquet"));
    assertThat(e.getMessage(), equalTo("--format must be auto, csv or pcap, got 'parquet'"));
    e = assertThrows(UsageException.class, () -> EnumOption.parse(Assembly.class, ""));
    assertThat(e.getMessage(), equalTo("--assembly must be fragments or packets, got ''"));
  }

  @Test
  void theManifestKeepsTheLowerCaseSpelling() {
    FlowBeamOptions o = parse("--format=csv", "--layout=timearcs", "--assembly=packets");
    Map<String, Object> head =
        FlowBeamPipeline.manifestHead(
            o, new InputFiles(List.of(), List.of(), List.of()), "DirectRunner");
    @SuppressWarnings("unchecked")
    Map<String, Object> options = (Map<String, Object>) head.get("options");
    assertThat(options, hasEntry("format", (Object) "csv"));
    assertThat(options, hasEntry("layout", (Object) "timearcs"));
    assertThat(options, hasEntry("assembly", (Object) "packets"));
    assertThat(options, hasEntry("formats", (Object) List.of("csv", "avro")));
  }

  @Test
  void survivesTheJsonRoundTripOfARunner() throws Exception {
    FlowBeamOptions o = parse("--layout=timearcs", "--assembly=packets", "--formats=parquet,csv");
    ObjectMapper mapper = new ObjectMapper();
    String json = mapper.writeValueAsString(o);
    FlowBeamOptions back = mapper.readValue(json, PipelineOptions.class).as(FlowBeamOptions.class);
    assertThat(back.getLayout(), is(Layout.TIMEARCS));
    assertThat(back.getAssembly(), is(Assembly.PACKETS));
    assertThat(back.getFormat(), is(Format.AUTO));
    assertThat(back.getFormats(), contains(OutputFormat.PARQUET, OutputFormat.CSV));
  }
}
