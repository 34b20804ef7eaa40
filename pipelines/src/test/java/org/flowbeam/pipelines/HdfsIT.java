package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.pipelines.diff.FlowDiffCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FlowBeam reading from and writing to a real HDFS: a NameNode and a DataNode started in this JVM
 * ({@link MiniDFSCluster}, bound to 127.0.0.1 on free ports, its storage under {@code target/}).
 * The fat jar runs as a child process, as a user runs it, on Flink embedded and on a standalone
 * Flink cluster ({@link StandaloneFlinkCluster}); its input (plain CSV with integer ids and their
 * {@code --ipMap}, gzip captures) is uploaded to HDFS, and what it writes there (every sharded CSV
 * output, the manifest's counts, the TimeArcs layout, the report) equals a local run's of the same
 * files, also when the options come from an {@code @hdfs://} file. Also: {@code flowbeam diff} of
 * an HDFS output against local ones, the output swap's rules on HDFS ({@link OutputDirectory}), and
 * one-line errors for an unreachable NameNode and a missing path (of the job, the diff and an
 * options file). The NameNode and the cluster are stopped in {@link #stop()}, also when a test
 * fails.
 */
class HdfsIT {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

  @TempDir static Path tmp;

  private static Path repo;
  private static Path jar;
  private static MiniDFSCluster hdfs;
  private static FileSystem fs;

  /** {@code hdfs://127.0.0.1:PORT}: the NameNode. */
  private static String nameNode;

  private static Path localInput;

  @BeforeAll
  static void start() throws Exception {
    repo = ChildProcess.repoRoot();
    jar = ChildProcess.packagedJar();
    Path base = Path.of("target", "hdfs-it-" + ProcessHandle.current().pid()).toAbsolutePath();
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    hdfs =
        new MiniDFSCluster.Builder(conf)
            .nameNodePort(freeLoopbackPort())
            .numDataNodes(1)
            .checkDataNodeAddrConfig(true)
            .build();
    hdfs.waitActive();
    nameNode = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
    fs = new org.apache.hadoop.fs.Path(nameNode + "/").getFileSystem(new Configuration());
    localInput = sampleInput(tmp.resolve("in"));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(localInput.toUri()), new org.apache.hadoop.fs.Path("/in"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (hdfs != null) {
      hdfs.shutdown(true);
    }
  }

  /**
   * The bundled sample with its addresses as TimeArcs integer ids ({@code ids.csv} and {@code
   * ip_map.json}) and the bundled edge-case captures gzip-compressed ({@code edge/*.pcap.gz}).
   */
  private static Path sampleInput(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("edge"));
    List<String> rows = new ArrayList<>();
    for (String line : Files.readAllLines(repo.resolve("src/samples/loopback-5k.csv"))) {
      String[] f = line.split(",", -1);
      if (!rows.isEmpty()) {
        f[1] = id(f[1]);
        f[2] = id(f[2]);
      }
      rows.add(String.join(",", f));
    }
    Files.write(dir.resolve("ids.csv"), rows);
    Files.writeString(dir.resolve("ip_map.json"), "{\"127.0.0.1\": 1, \"127.0.0.2\": 2}\n");
    try (Stream<Path> pcaps = Files.list(repo.resolve("src/samples/tcp-edge"))) {
      for (Path pcap : pcaps.filter(p -> p.toString().endsWith(".pcap")).sorted().toList()) {
        try (OutputStream out =
            new GZIPOutputStream(
                Files.newOutputStream(dir.resolve("edge/" + pcap.getFileName() + ".gz")))) {
          Files.copy(pcap, out);
        }
      }
    }
    return dir;
  }

  private static String id(String address) {
    return switch (address) {
      case "127.0.0.1" -> "1";
      case "127.0.0.2" -> "2";
      default -> throw new IllegalStateException("unexpected address " + address);
    };
  }

  /** The options of a run over the sample under {@code in} (a local path or an HDFS URI). */
  private static List<String> jobArgs(String in, String out) {
    return List.of(
        "--input=" + in + "/ids.csv," + in + "/edge/*.pcap.gz",
        "--ipMap=" + in + "/ip_map.json",
        "--output=" + out,
        "--layout=timearcs",
        "--formats=csv,avro");
  }

  @Test
  void embeddedFlinkReadsAndWritesHdfsAsALocalRunDoes() throws Exception {
    String onHdfs = onHdfs("embedded");
    assertRunOnHdfsAsLocal(
        "embedded",
        args -> {
          ChildProcess.Result run = flowBeam("--runner=FlinkRunner", args);
          assertThat("HDFS run:\n" + run.output(), run.exitCode(), equalTo(0));
          assertThat(run.output(), containsString("-> " + onHdfs));
        });
  }

  @Test
  void theStandaloneClusterReadsAndWritesHdfsAsALocalRunDoes() throws Exception {
    // An earlier output there, which the run replaces as a whole.
    String onHdfs = onHdfs("cluster");
    fs.mkdirs(new org.apache.hadoop.fs.Path(onHdfs + "/flows"));
    writeHdfs(onHdfs + "/manifest.json", "{}");
    writeHdfs(onHdfs + "/flows/earlier.csv", "flow_id\nearlier\n");

    Path downloaded =
        assertRunOnHdfsAsLocal(
            "cluster",
            jobArgs -> {
              try (StandaloneFlinkCluster cluster =
                  StandaloneFlinkCluster.start(
                      repo, Files.createDirectories(tmp.resolve("cluster")), 2, START_TIMEOUT)) {
                List<String> args = new ArrayList<>();
                args.add("@" + repo.resolve("run-configs/flink/flink-cluster.args"));
                args.add("--flinkMaster=" + cluster.master());
                args.addAll(jobArgs);
                long finishedBefore = cluster.finishedJobs();
                ChildProcess.Result run = flowBeam(args.toArray(new String[0]));
                cluster.assertJobSucceeded(run);
                assertThat(
                    "the job ran on the cluster",
                    cluster.finishedJobs(),
                    equalTo(finishedBefore + 1));
              }
            });
    assertThat(Files.exists(downloaded.resolve("flows/earlier.csv")), is(false));
  }

  @Test
  void anOptionsFileOnHdfsDrivesARun() throws Exception {
    String onHdfs = onHdfs("args-file");
    assertRunOnHdfsAsLocal(
        "args-file",
        jobArgs -> {
          // The file's --output is replaced by the command line's, as for a local @file.
          List<String> lines = new ArrayList<>(List.of("# a run on HDFS", "--runner=FlinkRunner"));
          lines.addAll(jobArgs);
          lines.replaceAll(l -> l.startsWith("--output=") ? "--output=" + onHdfs + "-not" : l);
          writeHdfs(nameNode + "/configs/job.args", String.join("\n", lines) + "\n");
          ChildProcess.Result run =
              flowBeam("@" + nameNode + "/configs/job.args", "--output=" + onHdfs);
          assertThat("run of an @hdfs:// file:\n" + run.output(), run.exitCode(), equalTo(0));
          assertThat(run.output(), containsString("-> " + onHdfs));
        });
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(onHdfs + "-not")), is(false));
  }

  /** A run on HDFS, given the options of the run over the HDFS copy of the sample. */
  private interface HdfsRun {
    void run(List<String> jobArgs) throws Exception;
  }

  /** {@code hdfs://.../results/NAME/out}: where the run {@code name} writes. */
  private static String onHdfs(String name) {
    return nameNode + "/results/" + name + "/out";
  }

  /**
   * Runs {@code runOnHdfs} over the sample on HDFS into {@link #onHdfs(String) onHdfs(name)} and
   * asserts that what it wrote equals the local run's output ({@link #localOutput()}) and that no
   * staging or old directory is left beside it; returns the HDFS output downloaded.
   */
  private static Path assertRunOnHdfsAsLocal(String name, HdfsRun runOnHdfs) throws Exception {
    Path local = localOutput();
    runOnHdfs.run(jobArgs(nameNode + "/in", onHdfs(name)));
    Path downloaded = download(onHdfs(name), tmp.resolve(name + "-hdfs/out"));
    assertSameOutputs(downloaded, local);
    assertThat(hiddenSiblings("/results/" + name, "out"), equalTo(List.of()));
    return downloaded;
  }

  private static Path localOutput;

  /** The output of a run over the local sample on Flink embedded, made once. */
  private static synchronized Path localOutput() throws Exception {
    if (localOutput == null) {
      Path local = tmp.resolve("local/out");
      ChildProcess.Result run =
          flowBeam("--runner=FlinkRunner", jobArgs(localInput.toString(), local.toString()));
      assertThat("local run:\n" + run.output(), run.exitCode(), equalTo(0));
      localOutput = local;
    }
    return localOutput;
  }

  @Test
  void diffOfAnHdfsOutputAndTheEqualLocalOneFindsNoDifferenceAndOfAnotherFindsIt()
      throws Exception {
    Path local = localOutput();
    String copy = nameNode + "/diff/same";
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(copy));
    long flows = ((Number) new FlowBeamOutput(local).counts().get("flows")).longValue();

    ChildProcess.Result same = flowBeam("diff", copy, local.toString());
    assertThat(same.output(), same.exitCode(), equalTo(0));
    assertThat(
        same.output(),
        containsString(
            String.format(
                "%,d flows in A, %,d in B: %,d the same, 0 changed, 0 only in A, 0 only in B",
                flows, flows, flows)));
    List<String> printed = Arrays.stream(same.output().split("\n")).toList();
    assertThat(printed, hasItem(String.join(",", FlowDiffCommand.COLUMNS)));

    // Another output: the same but for one flow's tunnel type, on the local side.
    Path other = tmp.resolve("diff-other/out");
    copyTree(local, other);
    String changedFlow = withFirstFlowInATunnel(other.resolve("flows"), "gre");
    String diffCsv = nameNode + "/diff/other.csv";
    ChildProcess.Result different =
        flowBeam(
            "diff",
            copy,
            other.toString(),
            "--output=" + diffCsv,
            "--hdfsConfiguration=[{\"dfs.client.use.datanode.hostname\": \"false\"}]");
    assertThat(different.output(), different.exitCode(), equalTo(0));
    assertThat(
        different.output(),
        containsString(
            String.format("%,d the same, 1 changed, 0 only in A, 0 only in B", flows - 1)));
    List<String> rows = readHdfs(diffCsv).lines().toList();
    assertThat(rows, hasSize(2));
    assertThat(rows.get(0), equalTo(String.join(",", FlowDiffCommand.COLUMNS)));
    assertThat(rows.get(1), startsWith("changed," + changedFlow + ","));
    assertThat(rows.get(1), containsString(",,gre,"));
  }

  /** Copies the local directory {@code from} to {@code to}. */
  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path f : all.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  /**
   * Sets the {@code tunnel_type} of the first flow of the first flows CSV under {@code flows},
   * which had none, to {@code type}; returns that flow's {@code protocol,initiator_ip,
   * initiator_port,responder_ip,responder_port}, as the diff's row names it.
   */
  private static String withFirstFlowInATunnel(Path flows, String type) throws IOException {
    Path shard;
    try (Stream<Path> files = Files.walk(flows)) {
      shard =
          files
              .filter(f -> f.toString().endsWith(".csv"))
              .filter(f -> lineCount(f) > 1)
              .sorted()
              .findFirst()
              .orElseThrow();
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(shard));
    List<String> header = List.of(lines.get(0).split(",", -1));
    String[] first = lines.get(1).split(",", -1);
    int tunnelType = header.indexOf("tunnel_type");
    assertThat(lines.get(1), first[tunnelType], equalTo(""));
    first[tunnelType] = type;
    lines.set(1, String.join(",", first));
    Files.write(shard, lines);
    return String.join(
        ",",
        first[header.indexOf("protocol")],
        first[header.indexOf("initiator_ip")],
        first[header.indexOf("initiator_port")],
        first[header.indexOf("responder_ip")],
        first[header.indexOf("responder_port")]);
  }

  private static long lineCount(Path f) {
    try {
      return Files.readAllLines(f).size();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * {@code hdfs} (downloaded) holds what {@code local} holds: the same sharded outputs with the
   * same rows, the same manifest counts (all reconciled), the same TimeArcs layout files, a report.
   */
  private static void assertSameOutputs(Path hdfs, Path local) throws IOException {
    FlowBeamOutput h = new FlowBeamOutput(hdfs);
    FlowBeamOutput l = new FlowBeamOutput(local);
    List<String> csvOutputs = csvOutputs(local);
    assertThat(csvOutputs, hasItem("flows"));
    assertThat(csvOutputs(hdfs), equalTo(csvOutputs));
    for (String output : csvOutputs) {
      // Rows naming an input file (rejected records) name it as each run was given it.
      List<String> hdfsRows =
          h.sortedCsvRows(output).stream()
              .map(r -> r.replace(nameNode + "/in/", localInput + "/"))
              .sorted()
              .toList();
      List<String> localRows = l.sortedCsvRows(output).stream().sorted().toList();
      assertThat(output, hdfsRows, equalTo(localRows));
    }
    assertThat(l.sortedCsvRows("flows"), hasSize(greaterThan(10)));
    Map<String, Object> counts = h.counts();
    assertThat(counts, equalTo(l.counts()));
    assertThat(h.reconciliation().values(), everyItem(equalTo(true)));
    // Not sharded, so written by FlowBeam's own code: the TimeArcs layout, byte for byte.
    List<String> layout =
        l.files().stream()
            .filter(
                f ->
                    f.equals("packets.csv")
                        || f.startsWith("flows/chunk_")
                        || f.equals("flows/flows_index.json")
                        || f.startsWith("ips/")
                        || f.startsWith("indices/"))
            .toList();
    assertThat(layout, hasItem("packets.csv"));
    assertThat(layout, hasItem("flows/flows_index.json"));
    for (String f : layout) {
      assertThat(f, Files.readString(hdfs.resolve(f)), equalTo(Files.readString(local.resolve(f))));
    }
    assertThat(Files.readString(hdfs.resolve("report.html")), startsWith("<!DOCTYPE html>"));
  }

  /** The subdirectories of {@code dir} that hold CSV shards, sorted. */
  private static List<String> csvOutputs(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> subs = Files.list(dir)) {
      for (Path sub : subs.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> files = Files.list(sub)) {
          if (files.anyMatch(f -> f.toString().endsWith(".csv"))) {
            names.add(sub.getFileName().toString());
          }
        }
      }
    }
    return names;
  }

  @Test
  void theOutputSwapOnHdfsKeepsItsRules() throws Exception {
    String parent = nameNode + "/swap";
    // A directory that is not FlowBeam's is refused, and left as it was.
    writeHdfs(parent + "/notes/todo.txt", "mine");
    UsageException refused =
        assertThrows(UsageException.class, () -> OutputDirectory.prepare(parent + "/notes", null));
    assertThat(refused.getMessage(), containsString("holds no FlowBeam manifest.json"));
    assertThat(readHdfs(parent + "/notes/todo.txt"), equalTo("mine"));

    // Leftovers of killed runs for this output go; a live run's, another output's and others stay.
    writeHdfs(parent + "/out/manifest.json", "{\"run\": 1}");
    long dead = deadPid();
    long alive = ProcessHandle.current().pid();
    writeHdfs(parent + "/.out.staging-" + dead + "-a/flows/part.csv", "partial");
    writeHdfs(parent + "/.out.old-" + dead + "-b/flows/part.csv", "partial");
    writeHdfs(parent + "/.out.staging-" + alive + "-c/flows/part.csv", "partial");
    writeHdfs(parent + "/.other.staging-" + dead + "-d/flows/part.csv", "partial");
    OutputDirectory next = OutputDirectory.prepare(parent + "/out", null);
    String staging = next.stagingLocation().name();
    assertThat(staging, startsWith(".out.staging-" + alive + "-"));
    assertThat(
        names("/swap"),
        equalTo(
            sorted(
                ".other.staging-" + dead + "-d",
                ".out.staging-" + alive + "-c",
                staging,
                "notes",
                "out")));

    // The swap: the staged output replaces the previous one, nothing else is left beside it.
    writeHdfs(parent + "/" + staging + "/manifest.json", "{\"run\": 2}");
    next.commit();
    assertThat(readHdfs(parent + "/out/manifest.json"), equalTo("{\"run\": 2}"));
    assertThat(
        names("/swap"),
        equalTo(
            sorted(
                ".other.staging-" + dead + "-d", ".out.staging-" + alive + "-c", "notes", "out")));

    // A run killed between the two renames of the swap: the next run puts the previous back.
    fs.rename(
        new org.apache.hadoop.fs.Path("/swap/out"),
        new org.apache.hadoop.fs.Path("/swap/.out.old-" + dead + "-e"));
    OutputDirectory.removeLeftovers(Location.of(parent + "/out", null));
    assertThat(readHdfs(parent + "/out/manifest.json"), equalTo("{\"run\": 2}"));
    assertThat(hiddenSiblings("/swap", "out"), equalTo(List.of(".out.staging-" + alive + "-c")));
  }

  @Test
  void hadoopDirectoryOpsBehaveAsTheLocalOnes() throws Exception {
    Location local = Location.local(Files.createDirectories(tmp.resolve("ops")));
    Location remote = Location.of(nameNode + "/ops", null);
    assertThat(remote.isLocal(), is(false));
    assertThat(directoryScenario(remote), equalTo(directoryScenario(local)));
  }

  /**
   * Runs the operations the output swap and the writers use under {@code root} and returns what
   * each observed, for comparing two file systems.
   */
  private static List<String> directoryScenario(Location root) throws IOException {
    List<String> seen = new ArrayList<>();
    Location a = root.resolve("a");
    write(a.resolve("flows").resolve("date=1").resolve("x.csv"), "x");
    write(a.resolve("flows").resolve("y.csv"), "y");
    write(a.resolve("manifest.json"), "{}");
    seen.add("list " + a.list());
    seen.add("files " + a.filesUnder());
    seen.add("isDirectory " + a.isDirectory() + " isFile " + a.resolve("manifest.json").isFile());
    Location b = root.resolve("b");
    b.mkdirs();
    seen.add("rename onto existing refused " + refused(() -> a.renameTo(b)));
    b.deleteRecursively();
    a.renameTo(b);
    seen.add("after rename a " + a.exists() + " b " + b.filesUnder());
    write(root.resolve(".m.tmp"), "new");
    root.resolve(".m.tmp").replace(b.resolve("manifest.json"));
    seen.add("replaced " + b.resolve("manifest.json").readString() + " " + root.list());
    b.deleteRecursively();
    b.deleteRecursively();
    seen.add("deleted " + b.exists() + " " + root.list() + " " + b.filesUnder());
    return seen;
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static boolean refused(IoAction action) {
    try {
      action.run();
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static void write(Location file, String text) throws IOException {
    file.parent().mkdirs();
    try (OutputStream out = file.create()) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The recurring job with its inputs and root on HDFS: slices of the sample arrive one at a time,
   * a run follows each, then a run ends the series; the flows and the root manifest's totals equal
   * those of the same series on a local root, nothing is left in staging and no lease stays. A run
   * while another holds the root's lease ends at once with one line naming the holder, exit 75.
   */
  @Test
  void anIncrementalSeriesOnHdfsGivesTheFlowsOfALocalSeries() throws Exception {
    List<Path> slices =
        TimeSlices.csv(
            repo.resolve("src/samples/loopback-5k.csv"),
            3,
            Files.createDirectories(tmp.resolve("series-slices")),
            "cap");
    Path localIn = Files.createDirectories(tmp.resolve("series-in"));
    Path localRoot = tmp.resolve("series-root");
    String hdfsIn = nameNode + "/series/in";
    String hdfsRoot = nameNode + "/series/root";
    List<String> extra = new ArrayList<>();
    for (int i = 0; i <= slices.size(); i++) {
      if (i < slices.size()) {
        Path slice = slices.get(i);
        Files.copy(slice, localIn.resolve(slice.getFileName()));
        fs.copyFromLocalFile(
            new org.apache.hadoop.fs.Path(slice.toUri()),
            new org.apache.hadoop.fs.Path(hdfsIn + "/" + slice.getFileName()));
      } else {
        extra.add("--flushOpenFlows");
      }
      for (List<String> where :
          List.of(List.of(localIn.toString(), localRoot.toString()), List.of(hdfsIn, hdfsRoot))) {
        List<String> args = new ArrayList<>(extra);
        args.addAll(
            List.of(
                "--incremental",
                "--input=" + where.get(0) + "/cap-*.csv",
                "--output=" + where.get(1),
                "--formats=csv"));
        ChildProcess.Result run = flowBeam(args.toArray(new String[0]));
        assertThat(
            "run " + i + " on " + where.get(1) + ":\n" + run.output(), run.exitCode(), is(0));
        assertThat(run.output(), containsString("-> " + where.get(1)));
      }
    }

    Path downloaded = download(hdfsRoot, tmp.resolve("series-hdfs"));
    List<String> hdfsRows = new ArrayList<>(JobFixtures.csvRowsUnder(downloaded.resolve("flows")));
    List<String> localRows = new ArrayList<>(JobFixtures.csvRowsUnder(localRoot.resolve("flows")));
    hdfsRows.sort(null);
    localRows.sort(null);
    assertThat(hdfsRows.size(), greaterThan(10));
    assertThat(hdfsRows, equalTo(localRows));
    Map<String, Object> hdfsTotals = totals(downloaded);
    Map<String, Object> localTotals = totals(localRoot);
    assertThat(hdfsTotals.get("runs"), equalTo(4));
    assertThat(hdfsTotals.get("counts"), equalTo(localTotals.get("counts")));
    assertThat(
        names(hdfsRoot + "/_flowbeam"),
        equalTo(sorted("carried", "ledger.json", "runs", "staging")));
    assertThat(names(hdfsRoot + "/_flowbeam/staging"), equalTo(List.of()));

    writeHdfs(hdfsRoot + "/_flowbeam/lease", "host=elsewhere pid=4242 token=" + "0".repeat(32));
    ChildProcess.Result held =
        flowBeam("--incremental", "--input=" + hdfsIn + "/cap-*.csv", "--output=" + hdfsRoot);
    assertThat(held.output(), held.exitCode(), equalTo(75));
    assertThat(
        held.output().strip(),
        equalTo(
            "flowbeam: output "
                + hdfsRoot
                + " is in use by another FlowBeam run (pid 4242 on host elsewhere); try again"
                + " later"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> totals(Path root) throws IOException {
    return (Map<String, Object>)
        ManifestWriter.parse(Files.readString(root.resolve("_manifest.json"))).get("totals");
  }

  @Test
  void anUnreachableNameNodeIsOneLineAndExitCodeTwo() throws Exception {
    String closed = "hdfs://127.0.0.1:" + freeLoopbackPort();
    // A configuration given on the command line: no retries of the refused connection.
    String noRetries = "--hdfsConfiguration=[{\"ipc.client.connect.max.retries\": \"0\"}]";
    ChildProcess.Result input =
        flowBeam(noRetries, "--input=" + closed + "/in/ids.csv", "--output=" + tmp.resolve("x"));
    assertOneErrorLine(input, "cannot read input '" + closed + "/in/ids.csv': cannot reach the");

    ChildProcess.Result output =
        flowBeam(
            noRetries,
            "--input=" + localInput.resolve("ids.csv"),
            "--ipMap=" + localInput.resolve("ip_map.json"),
            "--output=" + closed + "/out");
    assertOneErrorLine(output, "cannot create output directory next to " + closed + "/out");
    assertThat(output.output(), containsString("cannot reach the NameNode"));

    ChildProcess.Result diff = flowBeam("diff", closed + "/out", localInput.toString(), noRetries);
    assertOneLine(
        diff, "flowbeam: diff: cannot read " + closed + "/out: cannot reach the NameNode");

    ChildProcess.Result incremental =
        flowBeam(
            noRetries,
            "--incremental",
            "--input=" + localInput.resolve("ids.csv"),
            "--ipMap=" + localInput.resolve("ip_map.json"),
            "--output=" + closed + "/root");
    assertOneErrorLine(incremental, "cannot create " + closed + "/root/_flowbeam: cannot reach");

    ChildProcess.Result argsFile = flowBeam("@" + closed + "/job.args", noRetries);
    assertOneErrorLine(
        argsFile, "cannot read options file " + closed + "/job.args: cannot reach the NameNode");
  }

  @Test
  void aMissingPathOnHdfsIsOneLineAndExitCodeTwo() throws Exception {
    ChildProcess.Result missing =
        flowBeam(
            "--input=" + nameNode + "/in/missing.csv", "--output=" + tmp.resolve("missing-out"));
    assertOneErrorLine(missing, "no file matches input '" + nameNode + "/in/missing.csv'");

    ChildProcess.Result diff =
        flowBeam("diff", nameNode + "/results/missing", localInput.toString());
    assertOneLine(
        diff, "flowbeam: diff: " + nameNode + "/results/missing: no such output or input");

    ChildProcess.Result argsFile = flowBeam("@" + nameNode + "/configs/missing.args");
    assertOneErrorLine(
        argsFile,
        "cannot read options file "
            + nameNode
            + "/configs/missing.args: File does not exist: /configs/missing.args");
  }

  private static void assertOneErrorLine(ChildProcess.Result run, String expected) {
    assertOneLine(run, "flowbeam: error: " + expected);
  }

  /** {@code run} printed one line, starting with {@code expected}, and exited with code 2. */
  private static void assertOneLine(ChildProcess.Result run, String expected) {
    List<String> lines = Arrays.stream(run.output().split("\n")).filter(l -> !l.isBlank()).toList();
    assertThat(run.output(), lines, hasSize(1));
    assertThat(lines.get(0), startsWith(expected));
    assertThat(run.output(), run.exitCode(), equalTo(FlowBeamMain.EXIT_USAGE));
  }

  /** Copies the HDFS directory {@code uri} to {@code local} (without Hadoop's checksum files). */
  private static Path download(String uri, Path local) throws IOException {
    Files.createDirectories(local.getParent());
    fs.copyToLocalFile(
        false,
        new org.apache.hadoop.fs.Path(uri),
        new org.apache.hadoop.fs.Path(local.toUri()),
        true);
    return local;
  }

  /** The hidden siblings {@code .NAME.*} of {@code name} in HDFS directory {@code dir}. */
  private static List<String> hiddenSiblings(String dir, String name) throws IOException {
    return names(dir).stream().filter(n -> n.startsWith("." + name + ".")).toList();
  }

  private static List<String> names(String dir) throws IOException {
    List<String> names = new ArrayList<>();
    for (var s : fs.listStatus(new org.apache.hadoop.fs.Path(dir))) {
      names.add(s.getPath().getName());
    }
    names.sort(null);
    return names;
  }

  private static List<String> sorted(String... names) {
    List<String> all = new ArrayList<>(List.of(names));
    all.sort(null);
    return all;
  }

  private static void writeHdfs(String uri, String text) throws IOException {
    try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(uri), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String readHdfs(String uri) throws IOException {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(uri))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Runs the fat jar with {@code args} in a child JVM of 1 GiB heap. */
  private static ChildProcess.Result flowBeam(String... args) throws Exception {
    return ChildProcess.run(
        ChildProcess.fatJar(jar, repo, "-Xmx1g", args),
        tmp.resolve("flowbeam-" + System.nanoTime() + ".out"),
        JOB_TIMEOUT);
  }

  private static ChildProcess.Result flowBeam(String first, List<String> rest) throws Exception {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return flowBeam(all.toArray(new String[0]));
  }

  /** The PID of a process that has ended. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    p.onExit().get();
    return p.pid();
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
