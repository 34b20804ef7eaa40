package org.flowbeam.io.zeek;

/**
 * The two ways FlowBeam writes Zeek's conn.log: Zeek's tab-separated ASCII log with its {@code #}
 * header lines ({@code --formats=zeek}), or JSON lines as Zeek writes with {@code
 * LogAscii::use_json=T} ({@code --formats=zeek-json}).
 */
public enum ConnLogFormat {
  /** Zeek's TSV: {@code conn-SSSSS-of-NNNNN.log}. */
  TSV(".log", "zeek"),
  /** Zeek's JSON lines: {@code conn-SSSSS-of-NNNNN.json}. */
  JSON(".json", "zeek-json");

  private final String suffix;
  private final String label;

  ConnLogFormat(String suffix, String label) {
    this.suffix = suffix;
    this.label = label;
  }

  /** The file-name suffix, with its dot. */
  public String suffix() {
    return suffix;
  }

  /** The {@code --formats} spelling, also the name of the format's temporary directory. */
  public String label() {
    return label;
  }
}
