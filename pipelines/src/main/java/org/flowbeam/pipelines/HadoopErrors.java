package org.flowbeam.pipelines;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/**
 * One line for a file system failure, Hadoop's included: Hadoop's client words an unreachable
 * NameNode as {@code Call From HOST/IP to NN:PORT failed on connection exception:
 * java.net.ConnectException: Connection refused; For more details see: http://wiki...}, which this
 * turns into {@code cannot reach the NameNode NN:PORT (Connection refused)}.
 */
public final class HadoopErrors {
  private HadoopErrors() {}

  /** A one-line description of {@code e} (the first line of its message, tidied). */
  public static String oneLine(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if ((t instanceof ConnectException
              || t instanceof NoRouteToHostException
              || t instanceof UnknownHostException)
          && m.startsWith("Call From ")) {
        int to = m.indexOf(" to ");
        int failed = m.indexOf(" failed on ");
        String cause = m.substring(m.lastIndexOf(':', firstEnd(m)) + 1, firstEnd(m)).trim();
        if (to > 0 && failed > to) {
          return "cannot reach the NameNode " + m.substring(to + 4, failed) + " (" + cause + ")";
        }
      }
    }
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    int more = m.indexOf("; For more details see:");
    return (more < 0 ? m : m.substring(0, more)).trim();
  }

  /** The end of the first sentence of a Hadoop message ({@code ;} before the wiki link). */
  private static int firstEnd(String m) {
    int semi = m.indexOf(';');
    int nl = m.indexOf('\n');
    int end = m.length();
    if (semi >= 0) {
      end = Math.min(end, semi);
    }
    if (nl >= 0) {
      end = Math.min(end, nl);
    }
    return end;
  }
}
