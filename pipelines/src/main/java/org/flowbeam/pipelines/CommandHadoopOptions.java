package org.flowbeam.pipelines;

import java.util.List;
import org.apache.beam.sdk.io.hdfs.HadoopFileSystemOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.hadoop.conf.Configuration;
import org.flowbeam.io.fs.Location;

/**
 * The Hadoop configuration of what FlowBeam reads outside a job's options: the outputs {@code
 * flowbeam diff} compares, an {@code @file} of options (read before the options are parsed). It is
 * found as a run's is ({@link HadoopPaths}): {@code --hdfsConfiguration} if given, else {@code
 * core-site.xml} and {@code hdfs-site.xml} of {@code HADOOP_CONF_DIR} or {@code YARN_CONF_DIR},
 * else Hadoop's defaults, with which a full URI ({@code hdfs://nn:8020/dir}) is enough.
 *
 * <pre>{@code
 * Location side = Location.of("hdfs://nn:8020/flows/out", CommandHadoopOptions.of(null));
 * }</pre>
 */
public final class CommandHadoopOptions {
  /** The option's prefix on a command line. */
  public static final String OPTION = "--hdfsConfiguration=";

  private CommandHadoopOptions() {}

  /**
   * Options for {@link Location#of(String, PipelineOptions)} with the Hadoop configuration {@code
   * hdfsConfiguration} (the JSON value of {@code --hdfsConfiguration}), or, if null, that of the
   * environment.
   *
   * @throws UsageException if {@code hdfsConfiguration} is not a JSON list of one map
   */
  public static PipelineOptions of(String hdfsConfiguration) {
    HadoopFileSystemOptions options;
    List<Configuration> conf;
    try {
      options =
          hdfsConfiguration == null
              ? PipelineOptionsFactory.create().as(HadoopFileSystemOptions.class)
              : PipelineOptionsFactory.fromArgs(OPTION + hdfsConfiguration)
                  .as(HadoopFileSystemOptions.class);
      conf = options.getHdfsConfiguration();
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--hdfsConfiguration is not a JSON list of one map of Hadoop keys: "
              + HadoopErrors.oneLine(e));
    }
    if (hdfsConfiguration != null && (conf == null || conf.size() != 1)) {
      throw new UsageException(
          "--hdfsConfiguration holds "
              + (conf == null ? 0 : conf.size())
              + " configurations; give one (a JSON list of one map)");
    }
    return options;
  }

  /** The value of the last {@code --hdfsConfiguration=} among {@code args}, or null. */
  public static String valueIn(List<String> args) {
    String value = null;
    for (String a : args) {
      if (a.startsWith(OPTION)) {
        value = a.substring(OPTION.length());
      }
    }
    return value;
  }
}
