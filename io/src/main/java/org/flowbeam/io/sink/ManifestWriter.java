package org.flowbeam.io.sink;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flowbeam.io.fs.Location;

/**
 * Writes a run's {@code manifest.json}: one JSON object, pretty-printed, keys in the map's order,
 * written atomically (temporary file, then rename).
 *
 * <p>The manifest of a FlowBeam output directory that also holds the TimeArcs layout carries two
 * sets of keys: the TimeArcs viewer's ({@code version}, {@code format}, {@code structure}, ...; see
 * {@code TimeArcsLayoutWriter}) and FlowBeam's own (inputs, options, counts, reconciliation). Build
 * one map from both with {@link #merge} and write it once.
 *
 * <pre>{@code
 * Map<String, Object> m = ManifestWriter.merge(timeArcsKeys, flowBeamKeys);
 * ManifestWriter.write(outputDir, m);
 * }</pre>
 *
 * <p>Values are what Jackson serializes: strings, numbers, booleans, {@code null}, lists and maps
 * of those. The directory may be local or on HDFS ({@link Location}).
 */
public final class ManifestWriter {
  /** The manifest's file name. */
  public static final String FILE_NAME = "manifest.json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ManifestWriter() {}

  /** Writes {@code dir/manifest.json} from {@code manifest}, replacing any earlier one. */
  public static Path write(Path dir, Map<String, ?> manifest) throws IOException {
    Path target = dir.resolve(FILE_NAME);
    byte[] json = toJson(manifest).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    AtomicFiles.write(target, out -> out.write(json));
    return target;
  }

  /** Writes {@code dir/manifest.json} on any file system {@link Location} reaches. */
  public static Location write(Location dir, Map<String, ?> manifest) throws IOException {
    Location target = dir.resolve(FILE_NAME);
    byte[] json = toJson(manifest).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    AtomicFiles.write(target, out -> out.write(json));
    return target;
  }

  /** The pretty-printed JSON text of {@code manifest}, ending with a newline. */
  public static String toJson(Map<String, ?> manifest) {
    try {
      return MAPPER.writeValueAsString(manifest) + "\n";
    } catch (IOException e) {
      throw new IllegalArgumentException("manifest value Jackson cannot write", e);
    }
  }

  /** Parses a JSON object (as {@link #toJson} writes it) back to a map in key order. */
  public static Map<String, Object> parse(String json) {
    try {
      return MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
    }
  }

  /**
   * Merges manifests in order into a new map; a key of a later map replaces an earlier one's value
   * but keeps its position.
   */
  @SafeVarargs
  public static Map<String, Object> merge(Map<String, ?>... parts) {
    Map<String, Object> all = new LinkedHashMap<>();
    for (Map<String, ?> part : parts) {
      all.putAll(part);
    }
    return all;
  }
}
