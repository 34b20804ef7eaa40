package org.flowbeam.io.fs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Location} on the local file system: what the output swap and the writers rely on. */
class LocalDirectoryOpsTest {
  @TempDir Path dir;

  @Test
  void renamingADirectoryMovesItsWholeTreeAndRefusesAnExistingTarget() throws IOException {
    Location a = Location.local(dir.resolve("a"));
    write(a.resolve("flows").resolve("part.csv"), "x\n");
    Location b = Location.local(dir.resolve("b"));
    Files.createDirectories(dir.resolve("b"));

    assertThrows(FileAlreadyExistsException.class, () -> a.renameTo(b));
    Files.delete(dir.resolve("b"));
    a.renameTo(b);

    assertThat(Files.exists(dir.resolve("a")), is(false));
    assertThat(Files.readString(dir.resolve("b/flows/part.csv")), equalTo("x\n"));
  }

  @Test
  void listsNamesAndFilesUnderADirectorySorted() throws IOException {
    Location root = Location.local(dir);
    write(root.resolve("b.txt"), "");
    write(root.resolve("a").resolve("date=1").resolve("z.csv"), "");
    write(root.resolve("a").resolve("y.csv"), "");

    assertThat(root.list(), equalTo(List.of("a", "b.txt")));
    assertThat(root.filesUnder(), equalTo(List.of("a/date=1/z.csv", "a/y.csv", "b.txt")));
    assertThat(root.resolve("missing").filesUnder(), equalTo(List.of()));
  }

  @Test
  void deletesATreeAndIgnoresAMissingPath() throws IOException {
    Location root = Location.local(dir.resolve("t"));
    write(root.resolve("x").resolve("y.csv"), "1");

    root.deleteRecursively();
    root.deleteRecursively();

    assertThat(Files.exists(dir.resolve("t")), is(false));
  }

  @Test
  void replaceFileOverwritesAndReadStringReadsBack() throws IOException {
    Location target = Location.local(dir.resolve("m.json"));
    Location tmp = Location.local(dir.resolve(".m.json.tmp"));
    write(target, "old");
    write(tmp, "new");

    tmp.replace(target);

    assertThat(target.readString(), equalTo("new"));
    assertThat(tmp.exists(), is(false));
  }

  @Test
  void theSchemeDecidesTheFileSystem() {
    assertThat(Location.isLocal("out/sample"), is(true));
    assertThat(Location.isLocal("/tmp/x"), is(true));
    assertThat(Location.isLocal("file:///tmp/x"), is(true));
    assertThat(Location.isLocal("hdfs://nn:8020/x"), is(false));
    assertThat(Location.of("file:///tmp/x", null).toPath(), equalTo(Path.of("/tmp/x")));
    assertThat(Location.of("hdfs://nn:8020/x/out", null).isLocal(), is(false));
    assertThat(Location.of("hdfs://nn:8020/x/out", null).name(), equalTo("out"));
    assertThat(
        Location.of("hdfs://nn:8020/x/out", null).sibling(".out.staging-1-a").toString(),
        equalTo("hdfs://nn:8020/x/.out.staging-1-a"));
  }

  private static void write(Location file, String text) throws IOException {
    file.parent().mkdirs();
    try (OutputStream out = file.create()) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
