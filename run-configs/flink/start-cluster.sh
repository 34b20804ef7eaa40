#!/usr/bin/env bash
# Starts a standalone Flink session cluster on this machine: one JobManager
# (StandaloneSessionClusterEntrypoint) and N TaskManagers (TaskManagerRunner, one slot each by
# default), each its own JVM, on the Flink jars that Maven resolves from pom.xml beside this script
# (no Flink tarball). JVM memory flags come from Flink's BashJavaUtils, exactly as Flink's
# bin/jobmanager.sh and bin/taskmanager.sh compute them. Returns once the REST endpoint reports all
# N TaskManagers with all their slots free; stop the cluster with stop-cluster.sh. A TaskManager
# that died is started again with start-taskmanager.sh.
#
# Environment (all optional):
#   FLOWBEAM_FLINK_STATE          state dir: PIDs, config copy, logs, tmp (default: .state/ here)
#   FLOWBEAM_FLINK_REST_PORT      REST / web UI / job submission port (default 8081)
#   FLOWBEAM_FLINK_RPC_PORT       JobManager RPC port the TaskManagers register at (default 6123)
#   FLOWBEAM_FLINK_TASKMANAGERS   how many TaskManager JVMs (default 2)
#   FLOWBEAM_FLINK_TM_SLOTS       taskmanager.numberOfTaskSlots of each (default from conf: 1)
#   FLOWBEAM_FLINK_TM_MEMORY      taskmanager.memory.process.size of each (default from conf)
#   FLOWBEAM_FLINK_START_TIMEOUT  seconds to wait for the registered TaskManagers (default 120)
#   FLOWBEAM_MVN                  Maven command used to resolve the class path (default mvn)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
script=start-cluster
state="${FLOWBEAM_FLINK_STATE:-$here/.state}"
rest_port="${FLOWBEAM_FLINK_REST_PORT:-8081}"
rpc_port="${FLOWBEAM_FLINK_RPC_PORT:-6123}"
taskmanagers="${FLOWBEAM_FLINK_TASKMANAGERS:-2}"
timeout_s="${FLOWBEAM_FLINK_START_TIMEOUT:-120}"
# shellcheck source=cluster-lib.sh
source "$here/cluster-lib.sh"

command -v curl >/dev/null || die "curl is needed to poll the REST endpoint"
[[ "$rest_port" =~ ^[0-9]+$ && "$rpc_port" =~ ^[0-9]+$ ]] || die "ports must be numbers"
[[ "$taskmanagers" =~ ^[0-9]+$ && "$taskmanagers" -ge 1 && "$taskmanagers" -le 64 ]] ||
  die "FLOWBEAM_FLINK_TASKMANAGERS must be a number from 1 to 64, got '$taskmanagers'"
if [[ -n "${FLOWBEAM_FLINK_TM_SLOTS:-}" ]]; then
  [[ "$FLOWBEAM_FLINK_TM_SLOTS" =~ ^[0-9]+$ && "$FLOWBEAM_FLINK_TM_SLOTS" -ge 1 ]] ||
    die "FLOWBEAM_FLINK_TM_SLOTS must be a positive number, got '$FLOWBEAM_FLINK_TM_SLOTS'"
fi

# A live cluster from the same state dir would lose its PID files to this one.
for role in jobmanager $(taskmanager_roles) taskmanager; do
  pid="$(role_pid "$role")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    die "a cluster from $state is already running ($role pid $pid); run stop-cluster.sh first"
  fi
done

# Fail before starting anything if a port is taken, rather than with a bind error buried in a log.
for port in "$rest_port" "$rpc_port"; do
  if port_taken "$port"; then
    die "port $port on 127.0.0.1 is taken; set FLOWBEAM_FLINK_REST_PORT / FLOWBEAM_FLINK_RPC_PORT to free ports"
  fi
done

resolve_classpath

# Each start gets a fresh copy of conf/, so edits to conf/ apply at the next start and a running
# cluster's configuration stays what it started with. Logs of earlier runs are kept; PID files of
# TaskManagers from an earlier, larger cluster are not (none of them is alive, checked above).
mkdir -p "$state/log" "$state/tmp" "$state/plugins"
state="$(cd "$state" && pwd)"
rm -f "$state"/taskmanager-*.pid "$state/taskmanager.pid"
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
# and to every entrypoint, as Flink's scripts pass their extra arguments. start-taskmanager.sh
# reads them back from cluster.env, so a TaskManager started later joins with the same.
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
if [[ -n "${FLOWBEAM_FLINK_TM_SLOTS:-}" ]]; then
  dynamic+=(-D "taskmanager.numberOfTaskSlots=$FLOWBEAM_FLINK_TM_SLOTS")
fi
slots_each="${FLOWBEAM_FLINK_TM_SLOTS:-$(read_conf taskmanager.numberOfTaskSlots)}"
slots_each="${slots_each:-1}"

started=$(date +%s)
# Both computed before any JVM starts, so a bad memory setting leaves nothing running.
jm_params="$(resource_params GET_JM_RESOURCE_PARAMS)"
tm_params="$(resource_params GET_TM_RESOURCE_PARAMS)"

{
  echo "FLOWBEAM_FLINK_REST_PORT=$rest_port"
  echo "FLOWBEAM_FLINK_RPC_PORT=$rpc_port"
  echo "FLINK_MASTER=127.0.0.1:$rest_port"
  echo "FLOWBEAM_FLINK_TASKMANAGERS=$taskmanagers"
  echo "FLOWBEAM_FLINK_TM_SLOTS=$slots_each"
  echo "FLOWBEAM_FLINK_TM_MEMORY=${FLOWBEAM_FLINK_TM_MEMORY:-}"
} >"$state/cluster.env"

start_jvm jobmanager "$jobmanager_class" \
  "$(head -n 1 <<<"$jm_params")" "$(tail -n 1 <<<"$jm_params")" "$(java_opts jobmanager)" \
  --executionMode cluster
for ((n = 1; n <= taskmanagers; n++)); do
  start_taskmanager "$n" "$tm_params"
done

# Shows what went wrong, stops whatever did start, and fails.
fail_start() {
  echo "$script: $1 (logs: $state/log)" >&2
  for role in jobmanager $(taskmanager_roles); do
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

# Ready means: the REST endpoint answers and every TaskManager has registered with all its slots
# free.
deadline=$((started + timeout_s))
want_slots=$((taskmanagers * slots_each))
while :; do
  for role in jobmanager $(taskmanager_roles); do
    pid="$(role_pid "$role")"
    kill -0 "$pid" 2>/dev/null || fail_start "the $role JVM (pid $pid) exited during start-up"
  done
  overview="$(rest_overview "$rest_port")"
  tms="$(overview_field "$overview" taskmanagers)"
  free="$(overview_field "$overview" slots-available)"
  if [[ "${tms:-0}" -ge "$taskmanagers" && "${free:-0}" -ge "$want_slots" ]]; then
    break
  fi
  if [[ $(date +%s) -ge $deadline ]]; then
    fail_start "$taskmanagers TaskManager(s) with $want_slots free slot(s) did not register within ${timeout_s}s (overview: ${overview:-no answer})"
  fi
  sleep 0.5
done

tm_pids="$(for role in $(taskmanager_roles); do role_pid "$role"; done | paste -sd, -)"
echo "Flink session cluster up in $(($(date +%s) - started))s: jobmanager pid $(role_pid jobmanager), $tms taskmanager(s) (pids $tm_pids), $free free slot(s)"
echo "  web UI and job submission: http://127.0.0.1:$rest_port  (--flinkMaster=127.0.0.1:$rest_port)"
echo "  logs: $state/log"
