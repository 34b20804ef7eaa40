package org.flowbeam.pipelines;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.hdfs.HadoopFileSystemOptions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.flowbeam.io.fs.Location;

/**
 * The Hadoop side of a run's options: {@code hdfs://} (and other Hadoop) URIs in {@code --input},
 * {@code --output} and {@code --ipMap}, and the Hadoop configuration they are reached with.
 *
 * <p>The configuration is Beam's {@link HadoopFileSystemOptions#getHdfsConfiguration}: {@code
 * --hdfsConfiguration='[{"fs.defaultFS": "hdfs://nn:8020", ...}]'} (a JSON list of one map of
 * Hadoop keys), else {@code core-site.xml} and {@code hdfs-site.xml} from {@code HADOOP_CONF_DIR}
 * or {@code YARN_CONF_DIR}. Without either, a run naming a full URI ({@code hdfs://nn:8020/dir})
 * uses Hadoop's defaults, which is all a NameNode address in the URI needs. A configuration whose
 * {@code fs.defaultFS} is local (unset) gets the first Hadoop path's {@code scheme://authority}
 * there, because Beam registers its Hadoop file system for that scheme. Beam takes at most one
 * configuration. The options travel with the job, so TaskManagers use the same configuration.
 */
final class HadoopPaths {
  private HadoopPaths() {}

  /**
   * Checks the Hadoop configuration of {@code options}, gives Hadoop's defaults to a run that names
   * a Hadoop URI without any, and makes Beam's {@link FileSystems} (which matches {@code --input}
   * before the pipeline exists) use these options.
   */
  static void configure(FlowBeamOptions options) {
    List<Configuration> conf = options.getHdfsConfiguration();
    if (conf != null && conf.size() > 1) {
      throw new UsageException(
          "--hdfsConfiguration holds "
              + conf.size()
              + " configurations; give one (a JSON list of one map)");
    }
    List<String> paths = hadoopPaths(options);
    if (!paths.isEmpty()) {
      Configuration c = conf == null || conf.isEmpty() ? new Configuration() : conf.get(0);
      URI defaultFs = FileSystem.getDefaultUri(c);
      if (defaultFs.getScheme() == null || defaultFs.getScheme().equals("file")) {
        // Beam registers its Hadoop file system for the default file system's scheme, which
        // must not be the local one (Beam's own); the first Hadoop path's NameNode is.
        c.set(FileSystem.FS_DEFAULT_NAME_KEY, schemeAndAuthority(paths.get(0)));
      }
      options.setHdfsConfiguration(List.of(c));
    }
    FileSystems.setDefaultPipelineOptions(options);
  }

  /** {@code hdfs://nn:8020} of {@code hdfs://nn:8020/dir/*.pcap} (globs need not be a URI). */
  static String schemeAndAuthority(String uri) {
    int slashes = uri.indexOf("://");
    int end = uri.indexOf('/', slashes + 3);
    return end < 0 ? uri : uri.substring(0, end);
  }

  /** The options' paths that are not local. */
  static List<String> hadoopPaths(FlowBeamOptions options) {
    List<String> paths = new ArrayList<>();
    List<String> all = new ArrayList<>();
    if (options.getInput() != null) {
      all.addAll(List.of(options.getInput().split(",")));
    }
    all.add(options.getOutput());
    all.add(options.getIpMap());
    for (String p : all) {
      if (p != null && !p.isBlank() && !Location.isLocal(p.trim())) {
        paths.add(p.trim());
      }
    }
    return paths;
  }
}
