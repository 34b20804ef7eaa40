#!/usr/bin/env bash
# Stops the Flink session cluster that start-cluster.sh started from the same state dir: the
# TaskManager first (so the JobManager does not log a lost worker as a failure), then the
# JobManager, each by the PID in its file. SIGTERM lets Flink shut down cleanly (it deletes its
# blob and tmp files); a JVM still alive after FLOWBEAM_FLINK_STOP_TIMEOUT seconds (default 30)
# gets SIGKILL. Safe to run twice, or when nothing is running.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${FLOWBEAM_FLINK_STATE:-$here/.state}"
timeout_s="${FLOWBEAM_FLINK_STOP_TIMEOUT:-30}"

# A PID file can outlive its process and the PID be reused: only a JVM running the expected Flink
# entrypoint is ours to kill.
is_ours() {
  local pid="$1" main_class="$2"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$main_class"
}

stop_role() {
  local role="$1" main_class="$2" pid_file="$state/$1.pid" pid waited=0
  [[ -f "$pid_file" ]] || return 0
  pid="$(cat "$pid_file")"
  if ! is_ours "$pid" "$main_class"; then
    rm -f "$pid_file"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  while is_ours "$pid" "$main_class" && [[ $waited -lt $((timeout_s * 2)) ]]; do
    sleep 0.5
    waited=$((waited + 1))
  done
  if is_ours "$pid" "$main_class"; then
    echo "stop-cluster: $role (pid $pid) ignored SIGTERM for ${timeout_s}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$pid_file"
  echo "stopped $role (pid $pid)"
}

stop_role taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner
stop_role jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
