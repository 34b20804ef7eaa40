#!/usr/bin/env bash
# Starts one TaskManager in the running cluster that start-cluster.sh started from the same state
# dir: to replace a TaskManager that died, or to add one. Usage: start-taskmanager.sh [NUMBER]
#
# NUMBER is the TaskManager's number (taskmanager-NUMBER in the web UI, its PID file and log);
# without it, the lowest number whose TaskManager is not running, or the next one. A TaskManager
# that is running under that number is refused. It joins with the configuration, ports, memory and
# slots the cluster started with (the state dir's conf/ and cluster.env). Returns once it has
# registered at the ResourceManager, or fails after FLOWBEAM_FLINK_START_TIMEOUT seconds (default
# 120), stopping it. A job waiting for slots (after a restart) takes the new slots at once.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
script=start-taskmanager
state="${FLOWBEAM_FLINK_STATE:-$here/.state}"
timeout_s="${FLOWBEAM_FLINK_START_TIMEOUT:-120}"
# shellcheck source=cluster-lib.sh
source "$here/cluster-lib.sh"

[[ -d "$state" && -f "$state/cluster.env" && -d "$state/conf" ]] ||
  die "no cluster state in $state; start the cluster with start-cluster.sh"
state="$(cd "$state" && pwd)"
is_ours "$(role_pid jobmanager)" "$jobmanager_class" ||
  die "the JobManager of $state is not running; start the cluster with start-cluster.sh"

# The ports, memory and slots of the cluster this TaskManager joins.
cluster_value() { sed -n "s/^$1=//p" "$state/cluster.env" | tail -n 1; }
rest_port="$(cluster_value FLOWBEAM_FLINK_REST_PORT)"
rpc_port="$(cluster_value FLOWBEAM_FLINK_RPC_PORT)"
tm_memory="$(cluster_value FLOWBEAM_FLINK_TM_MEMORY)"
tm_slots="$(cluster_value FLOWBEAM_FLINK_TM_SLOTS)"

if [[ $# -ge 1 ]]; then
  n="$1"
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "the TaskManager number must be a positive number, got '$n'"
  if is_ours "$(role_pid "taskmanager-$n")" "$taskmanager_class"; then
    die "taskmanager-$n is running (pid $(role_pid "taskmanager-$n"))"
  fi
else
  n=1
  while is_ours "$(role_pid "taskmanager-$n")" "$taskmanager_class"; do
    n=$((n + 1))
  done
fi

resolve_classpath
export FLINK_PLUGINS_DIR="$state/plugins"
conf_dir="$state/conf"
cd "$state"
dynamic=(
  -D "rest.port=$rest_port"
  -D "jobmanager.rpc.port=$rpc_port"
  -D "io.tmp.dirs=$state/tmp"
  -D "blob.storage.directory=$state/tmp"
  -D "web.tmpdir=$state/tmp"
)
[[ -z "$tm_memory" ]] || dynamic+=(-D "taskmanager.memory.process.size=$tm_memory")
[[ -z "$tm_slots" ]] || dynamic+=(-D "taskmanager.numberOfTaskSlots=$tm_slots")

# The log may still hold an earlier TaskManager's lines (it is rolled when the new JVM starts to
# log): only a registration logged at or after this start counts. Log lines begin with the local
# time, "2026-12-03 16:53:33,097", which sorts as text.
log="$state/log/flink-taskmanager-$n.log"
since="$(date '+%Y-%m-%d %H:%M:%S')"
started=$(date +%s)
start_taskmanager "$n"
pid="$(role_pid "taskmanager-$n")"

deadline=$((started + timeout_s))
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 30 "$state/log/flink-taskmanager-$n.out" "$log" >&2 2>/dev/null || true
    die "taskmanager-$n (pid $pid) exited during start-up (logs: $state/log)"
  fi
  if awk -v since="$since" 'substr($0, 1, 19) >= since && /Successful registration at resource manager/ { found = 1 }
      END { exit !found }' "$log" 2>/dev/null; then
    break
  fi
  if [[ $(date +%s) -ge $deadline ]]; then
    kill -KILL "$pid" 2>/dev/null || true
    die "taskmanager-$n did not register within ${timeout_s}s; stopped it (logs: $state/log)"
  fi
  sleep 0.5
done
echo "started taskmanager-$n (pid $pid) in $(($(date +%s) - started))s"
