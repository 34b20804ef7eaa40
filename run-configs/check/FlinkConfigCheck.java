import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * Checks Flink configuration directories offline: each one's {@code config.yaml} must load with
 * Flink's own loader, and every key in it must be an option that some Flink jar on the class path
 * declares (a {@code ConfigOption} field of an {@code *Options} class, or one of its fallback and
 * deprecated keys). A misspelt key is otherwise ignored by Flink without a word, which on a
 * cluster that cannot be tried here would go unnoticed. Each value must also parse as its option's
 * type (a memory size, a duration, one of an enum's names). Run from source, not part of the build:
 *
 * <pre>java -cp CLASSPATH run-configs/check/FlinkConfigCheck.java DIR...</pre>
 *
 * (run-configs/check/check-cluster-configs.sh builds CLASSPATH). Prints one line per directory and
 * one per unknown key; exits 1 if any directory fails.
 */
public final class FlinkConfigCheck {
  private FlinkConfigCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: FlinkConfigCheck DIR...");
      System.exit(2);
    }
    TreeMap<String, ConfigOption<?>> known = knownOptions();
    boolean ok = true;
    for (String dir : args) {
      if (!new File(dir, "config.yaml").isFile()) {
        System.out.println(dir + ": no config.yaml");
        ok = false;
        continue;
      }
      Configuration conf = GlobalConfiguration.loadConfiguration(dir);
      Map<String, String> entries = conf.toMap();
      List<String> unknown = new ArrayList<>();
      int badValues = 0;
      for (String key : entries.keySet()) {
        ConfigOption<?> option = known.get(key);
        if (option == null) {
          unknown.add(key);
          System.out.println(dir + ": unknown Flink option '" + key + "'");
          continue;
        }
        try {
          conf.get(option);
        } catch (RuntimeException e) {
          badValues++;
          System.out.println(dir + ": bad value for '" + key + "': " + e.getMessage());
        }
      }
      System.out.println(
          dir
              + ": "
              + entries.size()
              + " keys, "
              + (unknown.isEmpty() ? "all known" : unknown.size() + " unknown")
              + (badValues == 0 ? ", all values valid" : ", " + badValues + " bad values")
              + " ("
              + known.size()
              + " options known on the class path)");
      ok &= unknown.isEmpty() && badValues == 0 && !entries.isEmpty();
    }
    System.exit(ok ? 0 : 1);
  }

  /**
   * Every ConfigOption declared by an *Options class in a flink-* jar, by its key and by each of
   * its fallback and deprecated keys.
   */
  private static TreeMap<String, ConfigOption<?>> knownOptions() throws Exception {
    TreeMap<String, ConfigOption<?>> keys = new TreeMap<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      File jar = new File(entry);
      if (!jar.getName().startsWith("flink-") || !jar.getName().endsWith(".jar")) {
        continue;
      }
      try (JarFile file = new JarFile(jar)) {
        Enumeration<JarEntry> all = file.entries();
        while (all.hasMoreElements()) {
          String name = all.nextElement().getName();
          if (name.startsWith("org/apache/flink/")
              && name.endsWith("Options.class")
              && !name.contains("$")) {
            addOptions(name.replace('/', '.').replace(".class", ""), keys);
          }
        }
      }
    }
    return keys;
  }

  private static void addOptions(String className, TreeMap<String, ConfigOption<?>> keys) {
    Class<?> type;
    try {
      type = Class.forName(className, false, FlinkConfigCheck.class.getClassLoader());
      for (Field f : type.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.equals(f.getType())) {
          f.setAccessible(true);
          ConfigOption<?> option = (ConfigOption<?>) f.get(null);
          keys.put(option.key(), option);
          for (FallbackKey fallback : option.fallbackKeys()) {
            keys.putIfAbsent(fallback.getKey(), option);
          }
        }
      }
    } catch (Throwable e) {
      // A class whose dependencies are not on this class path declares nothing we can read.
    }
  }
}
