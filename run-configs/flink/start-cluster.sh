#!/usr/bin/env bash
# Starts a standalone Flink session cluster on this machine: one JobManager
# (StandaloneSessionClusterEntrypoint) and one TaskManager (TaskManagerRunner), each its own JVM,
# on the Flink jars that Maven resolves from pom.xml beside this script (no Flink tarball).
# JVM memory flags come from Flink's BashJavaUtils, exactly as Flink's bin/jobmanager.sh and
# bin/taskmanager.sh compute them. Returns once the REST endpoint reports a TaskManager with free
# slots; stop the cluster with stop-cluster.sh.
#
# Environment (all optional):
#   FLOWBEAM_FLINK_STATE          state dir: PIDs, config copy, logs, tmp (default: .state/ here)
#   FLOWBEAM_FLINK_REST_PORT      REST / web UI / job submission port (default 8081)
#   FLOWBEAM_FLINK_RPC_PORT       JobManager RPC port the TaskManager registers at (default 6123)
#   FLOWBEAM_FLINK_TM_MEMORY      taskmanager.memory.process.size (default from conf/config.yaml)
#   FLOWBEAM_FLINK_START_TIMEOUT  seconds to wait for a registered TaskManager (default 120)
#   FLOWBEAM_MVN                  Maven command used to resolve the class path (default mvn)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${FLOWBEAM_FLINK_STATE:-$here/.state}"
rest_port="${FLOWBEAM_FLINK_REST_PORT:-8081}"
rpc_port="${FLOWBEAM_FLINK_RPC_PORT:-6123}"
timeout_s="${FLOWBEAM_FLINK_START_TIMEOUT:-120}"
mvn_cmd="${FLOWBEAM_MVN:-mvn}"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java_run="$JAVA_HOME/bin/java"
else
  java_run=java
fi

die() {
  echo "start-cluster: $*" >&2
  exit 1
}

command -v curl >/dev/null || die "curl is needed to poll the REST endpoint"
[[ "$rest_port" =~ ^[0-9]+$ && "$rpc_port" =~ ^[0-9]+$ ]] || die "ports must be numbers"

# A live cluster from the same state dir would lose its PID files to this one.
for role in jobmanager taskmanager; do
  if [[ -f "$state/$role.pid" ]] && kill -0 "$(cat "$state/$role.pid")" 2>/dev/null; then
    die "a cluster from $state is already running ($role pid $(cat "$state/$role.pid")); run stop-cluster.sh first"
  fi
done

# Fail before starting anything if a port is taken, rather than with a bind error buried in a log.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$rest_port" "$rpc_port"; do
  if port_taken "$port"; then
    die "port $port on 127.0.0.1 is taken; set FLOWBEAM_FLINK_REST_PORT / FLOWBEAM_FLINK_RPC_PORT to free ports"
  fi
done

# The class path, resolved once and reused until pom.xml changes. Written to a temporary file and
# renamed, so a concurrent start never reads half a class path.
cp_file="$here/target/classpath.txt"
if [[ ! -s "$cp_file" || "$here/pom.xml" -nt "$cp_file" ]]; then
  mkdir -p "$here/target"
  tmp_cp="$(mktemp "$here/target/classpath.XXXXXX")"
  if ! $mvn_cmd -B -q -ntp -f "$here/pom.xml" dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$tmp_cp" >"$tmp_cp.log" 2>&1; then
    cat "$tmp_cp.log" >&2
    rm -f "$tmp_cp" "$tmp_cp.log"
    die "Maven could not resolve the Flink class path from $here/pom.xml"
  fi
  mv "$tmp_cp" "$cp_file"
  rm -f "$tmp_cp.log"
fi
classpath="$(cat "$cp_file")"
IFS=: read -ra jars <<<"$classpath"
for jar in "${jars[@]}"; do
  [[ -f "$jar" ]] || die "$jar is missing from the Maven repository; delete $cp_file and retry"
done

# Each start gets a fresh copy of conf/, so edits to conf/ apply at the next start and a running
# cluster's configuration stays what it started with. Logs of earlier runs are kept.
mkdir -p "$state/log" "$state/tmp" "$state/plugins"
state="$(cd "$state" && pwd)"
# Flink looks for plugins in ./plugins of its working directory and warns when there is none;
# this cluster has no plugins, so point it at an empty directory of its own.
export FLINK_PLUGINS_DIR="$state/plugins"
rm -rf "$state/conf"
cp -r "$here/conf" "$state/conf"
conf_dir="$state/conf"
# The JVMs run in the state dir, so nothing they write relative to their working directory lands
# in the caller's (and a caller's temporary directory may go away while they run).
cd "$state"

# Settings that differ per cluster, passed as dynamic properties (-D key=value) to BashJavaUtils
# and to both entrypoints, as Flink's scripts pass their extra arguments.
dynamic=(
  -D "rest.port=$rest_port"
  -D "jobmanager.rpc.port=$rpc_port"
  -D "io.tmp.dirs=$state/tmp"
  -D "blob.storage.directory=$state/tmp"
  -D "web.tmpdir=$state/tmp"
)
if [[ -n "${FLOWBEAM_FLINK_TM_MEMORY:-}" ]]; then
  dynamic+=(-D "taskmanager.memory.process.size=$FLOWBEAM_FLINK_TM_MEMORY")
fi

# Reads a flat key from config.yaml (Flink's readFromConfig, for the keys the scripts read before
# any JVM runs).
read_conf() {
  sed -n "s/^[ ]*$1[ ]*: \([^#]*\).*$/\1/p" "$conf_dir/config.yaml" | sed 's/^ *//;s/ *$//' | tail -n 1
}

# Runs BashJavaUtils and returns its two result lines (JVM flags, then dynamic configs), as
# bin/bash-java-utils.sh's runBashJavaUtilsCmd and extractExecutionResults do.
resource_params() {
  local cmd="$1" out results
  if ! out="$("$java_run" -classpath "$classpath" org.apache.flink.runtime.util.bash.BashJavaUtils \
    "$cmd" --configDir "$conf_dir" "${dynamic[@]}" 2>&1)"; then
    echo "$out" >&2
    die "BashJavaUtils $cmd failed (memory settings in $conf_dir/config.yaml?)"
  fi
  results="$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')" || true
  if [[ "$(grep -c . <<<"$results")" -ne 2 ]]; then
    echo "$out" >&2
    die "BashJavaUtils $cmd printed no JVM parameters and dynamic configs"
  fi
  echo "$results"
}

# Starts one JVM in the background, as bin/flink-daemon.sh does: JVM flags, then env.java.opts,
# then the log settings; standard output and error go to ROLE.out, the log to ROLE.log.
start_jvm() {
  local role="$1" main_class="$2" jvm_params="$3" dynamic_configs="$4" java_opts="$5"
  shift 5
  local log="$state/log/flink-$role.log" out="$state/log/flink-$role.out"
  local jvm_args
  # The JVM flags and the options from config.yaml are space-separated words; split them here.
  read -ra jvm_args <<<"$jvm_params $java_opts"
  local dyn_args
  read -ra dyn_args <<<"$dynamic_configs"
  nohup "$java_run" "${jvm_args[@]}" \
    "-Dlog.file=$log" \
    "-Dlog4j.configuration=file:$conf_dir/log4j.properties" \
    "-Dlog4j.configurationFile=file:$conf_dir/log4j.properties" \
    -classpath "$classpath" "$main_class" \
    --configDir "$conf_dir" "${dyn_args[@]}" "${dynamic[@]}" "$@" \
    >"$out" 2>&1 </dev/null &
  echo $! >"$state/$role.pid"
}

java_opts_all="$(read_conf env.java.opts.all)"
java_opts_all="${java_opts_all#\"}"
java_opts_all="${java_opts_all%\"}"

started=$(date +%s)
# Both computed before either JVM starts, so a bad memory setting leaves nothing running.
jm_params="$(resource_params GET_JM_RESOURCE_PARAMS)"
tm_params="$(resource_params GET_TM_RESOURCE_PARAMS)"
start_jvm jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
  "$(head -n 1 <<<"$jm_params")" "$(tail -n 1 <<<"$jm_params")" \
  "$java_opts_all $(read_conf env.java.opts.jobmanager)" \
  --executionMode cluster

start_jvm taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
  "$(head -n 1 <<<"$tm_params")" "$(tail -n 1 <<<"$tm_params")" \
  "$java_opts_all $(read_conf env.java.opts.taskmanager)"

cat >"$state/cluster.env" <<EOF
FLOWBEAM_FLINK_REST_PORT=$rest_port
FLOWBEAM_FLINK_RPC_PORT=$rpc_port
FLINK_MASTER=127.0.0.1:$rest_port
EOF

# Shows what went wrong, stops whatever did start, and fails.
fail_start() {
  echo "start-cluster: $1 (logs: $state/log)" >&2
  for role in jobmanager taskmanager; do
    for f in "$state/log/flink-$role.log" "$state/log/flink-$role.out"; do
      if [[ -s "$f" ]]; then
        echo "----- last lines of $f" >&2
        tail -n 30 "$f" >&2
      fi
    done
  done
  "$here/stop-cluster.sh" >&2 || true
  exit 1
}

# Ready means: the REST endpoint answers and a TaskManager has registered with free slots. One
# overview line looks like {"taskmanagers":1,"slots-total":2,"slots-available":2,...}.
deadline=$((started + timeout_s))
while :; do
  for role in jobmanager taskmanager; do
    pid="$(cat "$state/$role.pid")"
    kill -0 "$pid" 2>/dev/null || fail_start "the $role JVM (pid $pid) exited during start-up"
  done
  overview="$(curl -sf --max-time 2 "http://127.0.0.1:$rest_port/overview" 2>/dev/null || true)"
  tms="$(sed -n 's/.*"taskmanagers":\([0-9]*\).*/\1/p' <<<"$overview")"
  free="$(sed -n 's/.*"slots-available":\([0-9]*\).*/\1/p' <<<"$overview")"
  if [[ "${tms:-0}" -ge 1 && "${free:-0}" -ge 1 ]]; then
    break
  fi
  if [[ $(date +%s) -ge $deadline ]]; then
    fail_start "no TaskManager with free slots registered within ${timeout_s}s (overview: ${overview:-no answer})"
  fi
  sleep 0.5
done

echo "Flink session cluster up in $(($(date +%s) - started))s: jobmanager pid $(cat "$state/jobmanager.pid"), taskmanager pid $(cat "$state/taskmanager.pid"), $tms taskmanager(s), $free free slot(s)"
echo "  web UI and job submission: http://127.0.0.1:$rest_port  (--flinkMaster=127.0.0.1:$rest_port)"
echo "  logs: $state/log"
