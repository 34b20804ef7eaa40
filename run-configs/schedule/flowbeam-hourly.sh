#!/usr/bin/env bash
# One scheduled FlowBeam run over rotating captures: takes the lock, runs `--incremental`, logs.
#
# Configuration comes from the environment (systemd EnvironmentFile=, or cron's line), see
# hourly.env.example:
#   FLOWBEAM_JAR     the fat jar (pipelines/target/flowbeam.jar)
#   FLOWBEAM_INPUT   input glob(s), comma-separated (quote it: the wrapper does not expand it)
#   FLOWBEAM_ROOT    the output root that accumulates partitions (a local path or an hdfs:// URI)
#   FLOWBEAM_ARGS    further FlowBeam options (e.g. --formats=csv,parquet --minFileAgeSeconds=120)
#   FLOWBEAM_FLINK_MASTER  HOST:PORT of a standalone Flink cluster; unset: Flink embedded
#   JAVA             java binary (default: java on PATH); JAVA_OPTS (default -Xmx2g)
#   FLOWBEAM_LOG_DIR where run logs and the wrapper's lock go (default ROOT/_flowbeam/logs; a local
#                    directory, required when ROOT is a URI); FLOWBEAM_KEEP_LOGS (default 500)
#
# Arguments after the environment are passed to FlowBeam (e.g. --flushOpenFlows to end a series).
#
# Exit status: FlowBeam's (0 done or nothing new, 1 failure, 2 bad usage), or 75 when another run
# holds the lock. A failed run's output never reaches ROOT: FlowBeam stages each run under
# ROOT/_flowbeam/staging and commits it only when the job has succeeded; the next run clears it.
set -uo pipefail

die() { echo "flowbeam-hourly: $*" >&2; exit 2; }
[[ -n "${FLOWBEAM_JAR:-}" ]] || die "FLOWBEAM_JAR is not set"
[[ -f "$FLOWBEAM_JAR" ]] || die "FLOWBEAM_JAR $FLOWBEAM_JAR is not a file"
[[ -n "${FLOWBEAM_INPUT:-}" ]] || die "FLOWBEAM_INPUT is not set"
[[ -n "${FLOWBEAM_ROOT:-}" ]] || die "FLOWBEAM_ROOT is not set"
command -v flock >/dev/null || die "flock (util-linux) is required"

root="$FLOWBEAM_ROOT"
if [[ "$root" == *://* ]]; then
  # A root on HDFS: FlowBeam creates and locks it (a lease); the wrapper's lock and logs stay here.
  [[ -n "${FLOWBEAM_LOG_DIR:-}" ]] || die "FLOWBEAM_LOG_DIR must name a local directory when FLOWBEAM_ROOT is a URI ($root)"
  log_dir="$FLOWBEAM_LOG_DIR"
  lock_file="$log_dir/schedule.lock"
else
  mkdir -p "$root/_flowbeam" || die "cannot create $root/_flowbeam"
  log_dir="${FLOWBEAM_LOG_DIR:-$root/_flowbeam/logs}"
  lock_file="$root/_flowbeam/schedule.lock"
fi
mkdir -p "$log_dir" || die "cannot create log directory $log_dir"

# The wrapper's own lock: a second wrapper (a slow run overlapping the next timer tick) exits at
# once. FlowBeam also locks the root itself, so a manual run cannot overlap either.
exec 9>"$lock_file" || die "cannot open $lock_file"
if ! flock -n 9; then
  echo "flowbeam-hourly: another run holds $lock_file; not starting" >&2
  exit 75
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
# The pid keeps apart the logs of runs started in the same second (a nothing-new run is quick).
log="$log_dir/run-$stamp-$$.log"
runner_args=()
if [[ -n "${FLOWBEAM_FLINK_MASTER:-}" ]]; then
  runner_args=(--runner=FlinkRunner "--flinkMaster=$FLOWBEAM_FLINK_MASTER")
fi
read -r -a extra <<<"${FLOWBEAM_ARGS:-}"
read -r -a java_opts <<<"${JAVA_OPTS:--Xmx2g}"

{
  echo "# $(date -u +%FT%TZ) start: input=$FLOWBEAM_INPUT root=$root ${runner_args[*]} ${extra[*]} $*"
} >>"$log"
"${JAVA:-java}" "${java_opts[@]}" -jar "$FLOWBEAM_JAR" --incremental \
  "--input=$FLOWBEAM_INPUT" "--output=$root" "${runner_args[@]}" "${extra[@]}" "$@" >>"$log" 2>&1
status=$?
echo "# $(date -u +%FT%TZ) exit $status" >>"$log"
# The run's summary line (or its one error line) also goes to the journal / cron mail.
grep -E '^flowbeam: ' "$log" | tail -n 3 >&2

keep="${FLOWBEAM_KEEP_LOGS:-500}"
ls -1t "$log_dir"/run-*.log 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm -f --
exit "$status"
