#!/usr/bin/env bash
# Stops the Flink session cluster that start-cluster.sh started from the same state dir: the
# TaskManagers first (so the JobManager does not log a lost worker as a failure), then the
# JobManager, each by the PID in its file. SIGTERM lets Flink shut down cleanly (it deletes its
# blob and tmp files); a JVM still alive after FLOWBEAM_FLINK_STOP_TIMEOUT seconds (default 30)
# gets SIGKILL. Safe to run twice, or when nothing is running.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
script=stop-cluster
state="${FLOWBEAM_FLINK_STATE:-$here/.state}"
timeout_s="${FLOWBEAM_FLINK_STOP_TIMEOUT:-30}"
# shellcheck source=cluster-lib.sh
source "$here/cluster-lib.sh"

# Sends SIGTERM to each role $2... whose PID runs main class $1, waits for all of them together
# (up to the timeout), then SIGKILLs the rest.
stop_roles() {
  local main_class="$1" role pid waited=0
  shift
  local -a pids=() names=()
  for role in "$@"; do
    [[ -f "$state/$role.pid" ]] || continue
    pid="$(role_pid "$role")"
    if is_ours "$pid" "$main_class"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$role")
    else
      rm -f "$state/$role.pid"
    fi
  done
  [[ ${#pids[@]} -gt 0 ]] || return 0
  local alive=1 i
  while ((alive)) && [[ $waited -lt $((timeout_s * 2)) ]]; do
    alive=0
    for pid in "${pids[@]}"; do
      if is_ours "$pid" "$main_class"; then alive=1; fi
    done
    if ((alive)); then
      sleep 0.5
      waited=$((waited + 1))
    fi
  done
  for i in "${!pids[@]}"; do
    pid="${pids[$i]}"
    if is_ours "$pid" "$main_class"; then
      echo "$script: ${names[$i]} (pid $pid) ignored SIGTERM for ${timeout_s}s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    fi
    rm -f "$state/${names[$i]}.pid"
    echo "stopped ${names[$i]} (pid $pid)"
  done
}

# taskmanager.pid: the single TaskManager of a cluster started before there were several.
# shellcheck disable=SC2046
stop_roles "$taskmanager_class" $(taskmanager_roles) taskmanager
stop_roles "$jobmanager_class" jobmanager
