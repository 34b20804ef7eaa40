#!/usr/bin/env bash
# Measurements on the standalone Flink cluster of run-configs/flink (BENCHMARKS.md, "The standalone
# cluster"; src/docs/scaling.md):
#
#   bench/cluster/run-cluster-bench.sh bytes OUT_DIR INPUT...
#       starts one cluster of TMS TaskManagers of one slot (default 2), runs FlowBeam on each input
#       with --parallelism=TMS, saves the job's REST details (OUT_DIR/NAME.job.json, .plan.json)
#       and FlowBeam's summary line, prints the bytes of every exchange per packet
#       (shuffle_bytes.py), and stops the cluster.
#   bench/cluster/run-cluster-bench.sh up | cpu | down
#       starts / reads / stops two clusters side by side, to time the same job on both in turn:
#       "c1", 1 TaskManager of one slot on REST port PORT1 (default 18081), and "c2", 2 of one
#       slot on PORT2 (default 18091), state under BASE (default /tmp/flowbeam-cluster-bench).
#       `cpu` prints the CPU seconds (user + system) each cluster's JVMs have used so far: the
#       difference around a run is the CPU the job took on that cluster, which the submitting
#       client's own time does not show.
#   bench/cluster/run-cluster-bench.sh pair INPUT...
#       with the two clusters up: RUNS rounds (default 2), each running every input on c1
#       (--parallelism=1) then on c2 (--parallelism=2); one line per run on standard output:
#       input, cluster, wall seconds of the client, CPU seconds of the cluster's JVMs over the
#       run, 1-minute load before it, FlowBeam's summary line.
#
# Environment: JAR (default pipelines/target/flowbeam.jar), XMX of the client (1g), TMS, PORT,
# RPC_PORT (bytes: 18081 / 16123), PORT1, PORT2, BASE. The cluster's port 8081 is shared on a
# development machine: run every start-run-stop sequence under one `flock` (see BENCHMARKS.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
flink="$repo/run-configs/flink"
JAR="${JAR:-$repo/pipelines/target/flowbeam.jar}"
XMX="${XMX:-1g}"
BASE="${BASE:-/tmp/flowbeam-cluster-bench}"
PORT1="${PORT1:-18081}"
PORT2="${PORT2:-18091}"
BENCH_NAME=cluster-bench
# shellcheck source=../common.sh
source "$here/../common.sh"

# Starts a cluster: $1 state dir, $2 REST port, $3 RPC port, $4 TaskManagers.
start() {
  FLOWBEAM_FLINK_STATE="$1" FLOWBEAM_FLINK_REST_PORT="$2" FLOWBEAM_FLINK_RPC_PORT="$3" \
    FLOWBEAM_FLINK_TASKMANAGERS="$4" "$flink/start-cluster.sh" >&2
}

stop() { FLOWBEAM_FLINK_STATE="$1" "$flink/stop-cluster.sh" >&2 || true; }

# CPU seconds (user + system, the JVMs' own and their reaped children's) of the cluster in $1.
cluster_cpu() {
  local f pid total=0 ticks
  ticks=$(getconf CLK_TCK)
  for f in "$1"/*.pid; do
    [[ -e $f ]] || continue
    pid=$(cat "$f")
    [[ -r /proc/$pid/stat ]] || continue
    # Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th,
    # cutime and cstime the 14th and 15th.
    total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13 + $14 + $15}')))
  done
  awk -v t="$total" -v k="$ticks" 'BEGIN { printf "%.1f\n", t / k }'
}

# The id of the job that started last on the cluster at REST port $1.
last_job() {
  curl -sf "http://127.0.0.1:$1/jobs/overview" |
    python3 -c 'import json, sys; jobs = json.load(sys.stdin)["jobs"]; print(max(jobs, key=lambda j: j["start-time"])["jid"])'
}

bytes() {
  local out=$1
  shift
  [[ $# -ge 1 ]] || die "usage: $0 bytes OUT_DIR INPUT..."
  local tms=${TMS:-2} port=${PORT:-18081} rpc=${RPC_PORT:-16123} state input name jid
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  state="$BASE/bytes"
  # Expanded now: at exit the function's locals are gone.
  # shellcheck disable=SC2064
  trap "stop '$state'" EXIT
  start "$state" "$port" "$rpc" "$tms"
  for input in "$@"; do
    name=$(basename "$input")
    name=${name//./-}
    read_load
    log "$name: load $L1, running on $tms TaskManager(s)"
    rm -rf "$out/$name.out"
    java -Xmx"$XMX" -jar "$JAR" @"$flink/flink-cluster.args" --flinkMaster="127.0.0.1:$port" \
      --parallelism="$tms" --input="$input" --output="$out/$name.out" --report=false --quiet \
      >"$out/$name.log" 2>&1 || { cat "$out/$name.log" >&2; die "FlowBeam failed on $input"; }
    jid=$(last_job "$port")
    curl -sf "http://127.0.0.1:$port/jobs/$jid" >"$out/$name.job.json"
    curl -sf "http://127.0.0.1:$port/jobs/$jid/plan" >"$out/$name.plan.json"
    flowbeam_summary "$out/$name.log"
    echo "## $name ($input): $FB_PACKETS packets, $FB_FLOWS flows, job $FB_JOB s, load $L1"
    python3 "$here/shuffle_bytes.py" --packets="$FB_PACKETS" --flows="$FB_FLOWS" \
      "$out/$name.job.json" "$out/$name.plan.json"
    rm -rf "$out/$name.out"
  done
}

# Runs $1 on cluster $2 (c1 or c2) once and prints its line (see pair above).
pair_run() {
  local input=$1 c=$2 port par before after start end cpu name
  if [[ $c == c1 ]]; then port=$PORT1 par=1; else port=$PORT2 par=2; fi
  name=$(basename "$input")
  before=$(cluster_cpu "$BASE/$c")
  read_load
  start=$(date +%s.%N)
  java -Xmx"$XMX" -jar "$JAR" @"$flink/flink-cluster.args" --flinkMaster="127.0.0.1:$port" \
    --parallelism="$par" --input="$input" --output="$BASE/out-$c" --report=false --quiet \
    >"$BASE/pair-$c.log" 2>&1 || { cat "$BASE/pair-$c.log" >&2; die "FlowBeam failed on $input ($c)"; }
  end=$(date +%s.%N)
  after=$(cluster_cpu "$BASE/$c")
  cpu=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.1f", a - b }')
  echo "$name $c $(awk -v a="$end" -v b="$start" 'BEGIN { printf "%.1f", a - b }') $cpu $L1" \
    "$(grep -h '^flowbeam: ' "$BASE/pair-$c.log" | sed 's/ -> .*//')"
}

case "${1:-}" in
  bytes) shift; bytes "$@" ;;
  up)
    start "$BASE/c1" "$PORT1" $((PORT1 - 2000)) 1
    start "$BASE/c2" "$PORT2" $((PORT2 - 2000)) 2 || { stop "$BASE/c1"; exit 1; }
    echo "c1: --flinkMaster=127.0.0.1:$PORT1 --parallelism=1"
    echo "c2: --flinkMaster=127.0.0.1:$PORT2 --parallelism=2"
    ;;
  cpu) echo "c1 $(cluster_cpu "$BASE/c1") c2 $(cluster_cpu "$BASE/c2")" ;;
  pair)
    shift
    [[ $# -ge 1 ]] || die "usage: $0 pair INPUT..."
    echo "input cluster wall_s cluster_cpu_s load1 summary"
    for ((round = 1; round <= ${RUNS:-2}; round++)); do
      for input in "$@"; do
        pair_run "$input" c1
        pair_run "$input" c2
      done
    done
    ;;
  down) stop "$BASE/c1"; stop "$BASE/c2" ;;
  *) die "usage: $0 bytes OUT_DIR INPUT... | up | cpu | pair INPUT... | down" ;;
esac
