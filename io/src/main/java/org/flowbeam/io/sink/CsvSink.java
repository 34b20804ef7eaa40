package org.flowbeam.io.sink;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.io.FileIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A {@link FileIO.Sink} writing records as CSV with Apache Commons CSV: UTF-8, comma-separated,
 * fields quoted only when needed, {@code \n} line ends, and the header row at the top of every
 * shard (an empty shard holds just the header), so each shard reads on its own.
 *
 * <pre>{@code
 * flows.apply(FileIO.<FlowRecord>write().via(RecordFormats.FLOWS.csvSink())
 *     .to(dir).withPrefix("flows").withSuffix(".csv").withNumShards(4));
 * }</pre>
 *
 * @param <T> the record type
 */
public final class CsvSink<T> implements FileIO.Sink<T> {
  private static final long serialVersionUID = 1L;

  /** RFC 4180 quoting with Unix line ends, which every CSV reader (pandas, Commons CSV) accepts. */
  public static final CSVFormat FORMAT =
      CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build();

  private final RecordFormat<T> format;
  private transient Writer writer;
  private transient CSVPrinter printer;

  CsvSink(RecordFormat<T> format) {
    this.format = format;
  }

  @Override
  public void open(WritableByteChannel channel) throws IOException {
    writer = Channels.newWriter(channel, StandardCharsets.UTF_8);
    printer = new CSVPrinter(writer, FORMAT);
    printer.printRecord(format.columns());
  }

  @Override
  public void write(T element) throws IOException {
    printer.printRecord(format.values(element));
  }

  @Override
  public void flush() throws IOException {
    // FileIO closes the channel itself; closing the printer here would close it twice.
    printer.flush();
    writer.flush();
  }
}
