#!/usr/bin/env bash
# Checks offline what can be checked here of the YARN and Kubernetes run-configs, which cannot be
# run on a machine without YARN or Kubernetes (src/docs/scaling.md, "What was run here"):
#
#   1. every *.yaml of flink-yarn/ and flink-kubernetes/ parses (PyYAML, all documents);
#   2. each config.yaml, and flink/conf's, loads with Flink 1.19's own loader, every key is an
#      option of Flink, flink-yarn or flink-kubernetes, and every value parses as its option's
#      type (FlinkConfigCheck.java);
#   3. Flink's CLI, with flink-yarn and flink-kubernetes on its class path, offers the
#      yarn-application and kubernetes-application targets the READMEs use;
#   4. the FlowBeam jar's entry point is FlowBeamMain and it knows every option the READMEs'
#      commands give it.
#
# Uses the Flink class path of run-configs/flink (resolved by Maven, as start-cluster.sh does) and
# fetches flink-yarn and flink-kubernetes of the same Flink version, and the Hadoop client jars,
# into the local Maven repository once (mvn dependency:get). JAR: the FlowBeam jar (default
# pipelines/target/flowbeam.jar). Exits 1 on the first failed check.
set -euo pipefail

configs="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(cd "$configs/.." && pwd)"
JAR="${JAR:-$repo/pipelines/target/flowbeam.jar}"
HADOOP_VERSION="${HADOOP_VERSION:-3.3.6}"
here="$configs/flink"
script=check-cluster-configs
# shellcheck source=../flink/cluster-lib.sh
source "$here/cluster-lib.sh"

ok() { echo "ok: $*"; }

# 1. YAML
if python3 -c 'import yaml' 2>/dev/null; then
  for f in "$configs"/flink-yarn/*.yaml "$configs"/flink-kubernetes/*.yaml; do
    python3 - "$f" <<'EOF' || die "$f does not parse as YAML"
import sys, yaml
with open(sys.argv[1]) as f:
    docs = [d for d in yaml.safe_load_all(f) if d is not None]
assert docs and all(isinstance(d, dict) for d in docs), "expected one or more mappings"
print(f"ok: {sys.argv[1]}: {len(docs)} YAML document(s)")
EOF
  done
else
  echo "skipped: YAML parse (no PyYAML); check 2 still loads each config.yaml with Flink"
fi

# The class path: Flink's runtime and client (run-configs/flink/pom.xml), flink-yarn,
# flink-kubernetes and the Hadoop client of the same versions.
resolve_classpath
flink_version=$(sed -n 's:.*<flink.version>\(.*\)</flink.version>.*:\1:p' "$here/pom.xml")
m2="${MAVEN_REPO:-$HOME/.m2/repository}"
extra=""
for gav in "org.apache.flink:flink-yarn:$flink_version" "org.apache.flink:flink-kubernetes:$flink_version" \
  "org.apache.hadoop:hadoop-client-api:$HADOOP_VERSION" "org.apache.hadoop:hadoop-client-runtime:$HADOOP_VERSION"; do
  IFS=: read -r g a v <<<"$gav"
  jar="$m2/${g//.//}/$a/$v/$a-$v.jar"
  if [[ ! -f $jar ]]; then
    mvn -B -q dependency:get -Dartifact="$gav" -Dtransitive=false >/dev/null ||
      die "could not fetch $gav into $m2"
  fi
  extra="$extra:$jar"
done
cp_all="$classpath$extra"

# 2. Flink's loader and options
java -cp "$cp_all" "$configs/check/FlinkConfigCheck.java" \
  "$configs/flink/conf" "$configs/flink-yarn" "$configs/flink-kubernetes" ||
  die "a Flink configuration has unknown keys or bad values (above)"

# 3. The CLI's application targets
conf_tmp="$(mktemp -d)"
trap 'rm -rf "$conf_tmp"' EXIT
cp "$configs/flink-yarn/config.yaml" "$conf_tmp/config.yaml"
help="$(FLINK_CONF_DIR="$conf_tmp" java -cp "$cp_all" org.apache.flink.client.cli.CliFrontend \
  run-application --help 2>&1 | tr -s ' \n' ' ')"
for target in yarn-application kubernetes-application; do
  grep -q "\"$target\"" <<<"$help" || die "flink run-application offers no target $target"
done
ok "flink $flink_version run-application offers yarn-application and kubernetes-application"

# 4. The jar
[[ -f $JAR ]] || die "$JAR missing (mvn -B -o -DskipTests package -pl pipelines -am)"
main="$(unzip -p "$JAR" META-INF/MANIFEST.MF | tr -d '\r' | sed -n 's/^Main-Class: //p')"
[[ $main == org.flowbeam.pipelines.FlowBeamMain ]] || die "$JAR: Main-Class is '$main'"
options="$(java -jar "$JAR" --help 2>&1; java -jar "$JAR" --help=org.apache.beam.runners.flink.FlinkPipelineOptions 2>&1)"
for option in runner flinkMaster parallelism input output quiet report; do
  grep -q -- "--$option=" <<<"$options" || die "$JAR knows no --$option"
done
ok "$JAR: Main-Class $main; knows --runner --flinkMaster --parallelism --input --output --quiet --report"
