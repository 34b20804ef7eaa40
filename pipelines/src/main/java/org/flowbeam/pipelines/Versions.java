package org.flowbeam.pipelines;

import org.apache.beam.sdk.util.ReleaseInfo;

/** The versions recorded in manifests and printed by {@code --version}. */
final class Versions {
  private Versions() {}

  static String flowBeam() {
    String v = Versions.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }

  static String beam() {
    return ReleaseInfo.getReleaseInfo().getVersion();
  }
}
