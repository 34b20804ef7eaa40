package org.flowbeam.io.fs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link DirectoryOps} must do alike, checked on the local implementation and on the
 * Hadoop one. The Hadoop one runs here on Hadoop's raw local file system ({@code file://} URIs
 * through the same Hadoop client code HDFS goes through); {@code HdfsIT} runs it on a real HDFS.
 */
class DirectoryOpsContractTest {
  @TempDir Path tmp;

  /** One implementation and how it names a path under the test's directory. */
  record Impl(String name, DirectoryOps ops, boolean uri) {
    String at(Path dir, String rel) {
      String p = dir.resolve(rel).toString();
      return uri ? "file://" + p : p;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> impls() {
    return Stream.of(
        Arguments.of(new Impl("local", LocalDirectoryOps.INSTANCE, false)),
        Arguments.of(new Impl("hadoop", HadoopDirectoryOps.rawLocal(), true)));
  }

  private static void write(DirectoryOps ops, String file, String text) throws IOException {
    ops.mkdirs(ops.parent(file));
    try (OutputStream out = ops.create(file)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String read(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("impls")
  void createNewRefusesAnExistingFileAndKeepsItsContent(Impl impl) throws IOException {
    DirectoryOps ops = impl.ops();
    String lease = impl.at(tmp, "lease");
    try (OutputStream out = ops.createNew(lease)) {
      out.write("first".getBytes(StandardCharsets.UTF_8));
    }

    assertThrows(FileAlreadyExistsException.class, () -> ops.createNew(lease).close());
    assertThat(read(ops.open(lease)), equalTo("first"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("impls")
  void sizeTimeAndStatusAgreeAndStatusAnswersNothingForAMissingPath(Impl impl) throws IOException {
    DirectoryOps ops = impl.ops();
    String f = impl.at(tmp, "d/f.txt");
    write(ops, f, "0123456789");
    Instant set = Instant.parse("2026-01-02T03:04:05Z");
    ops.setModificationTime(f, set);

    assertThat(ops.size(f), is(10L));
    assertThat(ops.modificationTime(f), equalTo(set));
    assertThat(ops.status(f), equalTo(Optional.of(new PathStatus(true, false, 10L, set))));
    PathStatus dir = ops.status(impl.at(tmp, "d")).orElseThrow();
    assertThat(List.of(dir.isFile(), dir.isDirectory()), equalTo(List.of(false, true)));
    assertThat(ops.status(impl.at(tmp, "d/missing")), equalTo(Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("impls")
  void deleteIfEmptyDirectoryLeavesFullDirectoriesAndFiles(Impl impl) throws IOException {
    DirectoryOps ops = impl.ops();
    String full = impl.at(tmp, "full");
    write(ops, impl.at(tmp, "full/x"), "x");
    String empty = impl.at(tmp, "empty");
    ops.mkdirs(empty);

    assertThat(ops.deleteIfEmptyDirectory(full), is(false));
    assertThat(ops.deleteIfEmptyDirectory(impl.at(tmp, "full/x")), is(false));
    assertThat(ops.deleteIfEmptyDirectory(empty), is(true));
    assertThat(ops.exists(empty), is(false));
    assertThat(ops.deleteIfEmptyDirectory(empty), is(true));
    assertThat(ops.isFile(impl.at(tmp, "full/x")), is(true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("impls")
  void renamesRefuseAnExistingTargetAndReplaceFileOverwrites(Impl impl) throws IOException {
    DirectoryOps ops = impl.ops();
    write(ops, impl.at(tmp, "a/part.csv"), "a");
    write(ops, impl.at(tmp, "b/part.csv"), "b");
    write(ops, impl.at(tmp, "new.json"), "new");
    write(ops, impl.at(tmp, "m.json"), "old");

    assertThrows(
        FileAlreadyExistsException.class, () -> ops.rename(impl.at(tmp, "a"), impl.at(tmp, "b")));
    ops.rename(impl.at(tmp, "a"), impl.at(tmp, "c"));
    ops.replaceFile(impl.at(tmp, "new.json"), impl.at(tmp, "m.json"));

    assertThat(Files.readString(tmp.resolve("c/part.csv")), equalTo("a"));
    assertThat(Files.readString(tmp.resolve("m.json")), equalTo("new"));
    assertThat(ops.exists(impl.at(tmp, "new.json")), is(false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("impls")
  void listsDeletesAndNamesPaths(Impl impl) throws IOException {
    DirectoryOps ops = impl.ops();
    String root = impl.at(tmp, "r");
    write(ops, impl.at(tmp, "r/b.txt"), "");
    write(ops, impl.at(tmp, "r/a/date=1/z.csv"), "");

    assertThat(ops.list(root), equalTo(List.of("a", "b.txt")));
    assertThat(ops.filesUnder(root), equalTo(List.of("a/date=1/z.csv", "b.txt")));
    assertThat(ops.name(impl.at(tmp, "r/b.txt")), equalTo("b.txt"));
    assertThat(ops.resolve(root, "b.txt"), equalTo(impl.at(tmp, "r/b.txt")));
    assertThat(ops.resolve(root, "a/date=1/z.csv"), equalTo(impl.at(tmp, "r/a/date=1/z.csv")));
    assertThat(ops.absolute(root), startsWith(impl.uri() ? "file:/" : "/"));
    assertThat(ops.absolute(root).endsWith(tmp.resolve("r").toString()), is(true));
    ops.deleteRecursively(root);
    ops.deleteRecursively(root);
    assertThat(ops.exists(root), is(false));
  }
}
