#!/usr/bin/env bash
# End-to-end benchmark of the FlowBeam job on generated inputs: wall time, FlowBeam's own job time
# and throughput, flows against the generator's ground truth, and the peak RSS of every JVM
# involved, per input size, format and runner configuration.
#
#   bench/e2e/run-e2e.sh                                         # 1M, 10M, 100M packets; csv and pcap;
#                                                                # embedded and cluster; 3 runs each
#   SIZES="1000000 10000000" FORMATS=pcap CONFIGS=embedded RUNS=2 bench/e2e/run-e2e.sh
#   SIZES=20000 CONFIGS="direct embedded cluster" RUNS=1 SKIP_BUILD=1 OUT_CSV=/tmp/e2e.csv bench/e2e/run-e2e.sh
#   python3 bench/e2e/summarize.py bench/e2e/results-*.csv       # the Markdown table
#
# Inputs are made once with `java -jar pipelines/target/flowbeam.jar generate` (realistic mix, seed
# SEED, exactly N packets) under WORK, out of git, and reused while the file exists: e.g.
# gen-1M-seed1.csv, gen-100M-seed1-snap128.pcap and beside each its ground truth FILE.truth.csv.
# Captures are cut to SNAPLEN bytes per frame (generate --snaplen; the original length is kept, and
# FlowBeam counts wire lengths), so that 100M packets fit on disk: about 8 GB as CSV and 12 GB as
# pcap at snaplen 128, against ~95 GB of whole frames (src/docs/generate.md). Generation refuses to
# start when WORK's file system lacks room for an upper bound of the file plus 1 GiB.
#
# Configurations (the runs of one input alternate between them, run 1 of each, then run 2, ...,
# so that a burst of load from other work spreads over all of them):
#   direct    java -Xmx$XMX -jar flowbeam.jar @run-configs/direct.args        (sizes <= DIRECT_MAX only)
#   embedded  java -Xmx$XMX -jar flowbeam.jar                                 (Flink in the client JVM)
#   cluster   java -Xmx$XMX -jar flowbeam.jar @run-configs/flink/flink-cluster.args, on the standalone
#             cluster of run-configs/flink/start-cluster.sh (state dir WORK/flink-state); an EXIT trap
#             always runs stop-cluster.sh
#
# Per run, one CSV row (OUT_CSV): wall time, peak RSS and CPU time of the client JVM (GNU
# /usr/bin/time); FlowBeam's summary line (packets, rejected, flows, job seconds, packets/s); input
# bytes and MB/s over the job time; the ground-truth flow count (data rows of FILE.truth.csv), which
# FlowBeam's must equal; for the cluster the JobManager's and the TaskManagers' peak RSS (VmHWM of
# /proc/PID/status, PIDs from the cluster state dir; the TaskManagers' summed) and their CPU seconds during the run; exit
# code; the 1/5/15-minute load average just before the client starts (for a per-run cluster that
# is after the cluster's start, which raises it); the git revision; a note when something is off
# (FlowBeam's error line, a packet count other than generated, a cluster JVM that died). The
# cluster's client gets the same XMX as the others, although it needs little heap, so that the
# configurations differ only in where the job runs.
#
# VmHWM is the peak since the JVM started. With CLUSTER_RESTART=per-run (the default) the cluster
# is started before every cluster run and stopped after it, so its figures are that run's (start-up
# included). With CLUSTER_RESTART=once it is started at the first cluster run and stopped at the end
# of the harness: later runs then report the peak over all runs so far (the row also carries the
# VmHWM before the run, jm/tm_hwm_before_kb; equal before and after means the run did not raise it),
# and the idle cluster holds its memory during the other configurations' runs.
#
# Environment (all optional):
#   SIZES            packet counts ("1000000 10000000 100000000")
#   FORMATS          csv pcap pcapng ("csv pcap")
#   CONFIGS          direct embedded cluster ("embedded cluster")
#   RUNS             runs per input and configuration (3)
#   SNAPLEN          bytes kept per frame in generated captures (128; 65535 = whole frames)
#   SEED             generator seed (1)
#   XMX              heap of the FlowBeam client JVM (4g)
#   EXTRA_ARGS       FlowBeam options appended to every run, e.g. "--numShards=4" ("")
#   CLUSTER_RESTART  per-run or once (per-run)
#   DIRECT_MAX       largest size run with direct (1000000); larger ones are skipped with a note
#   RUN_TIMEOUT      seconds after which a run is stopped (0 = none)
#   WORK             inputs, outputs and the cluster's state (/tmp/flowbeam-e2e)
#   KEEP_OUTPUT      1 keeps each run's FlowBeam output (WORK/out/...); by default it is deleted
#   OUT_CSV          results file (bench/e2e/results-<UTC date>.csv); rows are appended
#   SKIP_BUILD       1 uses the existing pipelines/target/flowbeam.jar (else: mvn -o package first)
#   FLOWBEAM_FLINK_REST_PORT, FLOWBEAM_FLINK_RPC_PORT, FLOWBEAM_FLINK_TM_MEMORY: passed to
#                    start-cluster.sh (8081, 6123, its default); --flinkMaster follows the REST port
#
# Nothing here runs during `mvn verify`. Needs GNU time (apt-get install time) and curl (cluster).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
BENCH_NAME=run-e2e
# shellcheck source=../common.sh
source "$repo/bench/common.sh"

SIZES=${SIZES:-1000000 10000000 100000000}
FORMATS=${FORMATS:-csv pcap}
CONFIGS=${CONFIGS:-embedded cluster}
RUNS=${RUNS:-3}
SNAPLEN=${SNAPLEN:-128}
SEED=${SEED:-1}
XMX=${XMX:-4g}
EXTRA_ARGS=${EXTRA_ARGS:-}
CLUSTER_RESTART=${CLUSTER_RESTART:-per-run}
DIRECT_MAX=${DIRECT_MAX:-1000000}
RUN_TIMEOUT=${RUN_TIMEOUT:-0}
WORK=${WORK:-/tmp/flowbeam-e2e}
KEEP_OUTPUT=${KEEP_OUTPUT:-0}
OUT_CSV=${OUT_CSV:-$here/results-$(date -u +%Y-%m-%d).csv}
SKIP_BUILD=${SKIP_BUILD:-0}
REST_PORT=${FLOWBEAM_FLINK_REST_PORT:-8081}
JAR=$repo/pipelines/target/flowbeam.jar
FLINK_DIR=$repo/run-configs/flink
# The cluster's PID files, logs and spill files live with the other scratch data, apart from any
# cluster started by hand from run-configs/flink/.state.
export FLOWBEAM_FLINK_STATE=$WORK/flink-state
# start-cluster.sh resolves the Flink class path with Maven once; offline, as the build.
export FLOWBEAM_MVN=${FLOWBEAM_MVN:-mvn -o}
CLK_TCK=$(getconf CLK_TCK)

require_gnu_time
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || die "RUNS must be a positive integer, got '$RUNS'"
[[ $SNAPLEN =~ ^[0-9]+$ ]] || die "SNAPLEN must be an integer, got '$SNAPLEN'"
[[ $RUN_TIMEOUT =~ ^[0-9]+$ ]] || die "RUN_TIMEOUT must be seconds, got '$RUN_TIMEOUT'"
[[ $CLUSTER_RESTART == per-run || $CLUSTER_RESTART == once ]] ||
  die "CLUSTER_RESTART must be per-run or once, got '$CLUSTER_RESTART'"
for n in $SIZES; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "SIZES are packet counts, got '$n'"; done
for f in $FORMATS; do [[ $f =~ ^(csv|pcap|pcapng)$ ]] || die "unknown format '$f' (csv, pcap, pcapng)"; done
for c in $CONFIGS; do [[ $c =~ ^(direct|embedded|cluster)$ ]] || die "unknown config '$c' (direct, embedded, cluster)"; done
read -ra extra <<<"$EXTRA_ARGS"

[[ $SKIP_BUILD == 1 ]] || build_flowbeam "$repo"
[[ -r $JAR ]] || die "no $JAR (build with: mvn -B -q -o -DskipTests package)"
rev=$(git_rev "$repo")

mkdir -p "$WORK/inputs" "$WORK/out"

input_path() {
  local n=$1 format=$2 name
  name="gen-$(label "$n")-seed$SEED"
  [[ $format == csv ]] || name="$name-snap$SNAPLEN"
  echo "$WORK/inputs/$name.$format"
}

# An upper bound of a generated file's size, to refuse early rather than fill the disk: ~80 B a
# CSV row (100 with margin); a capture record is its header and at most min(SNAPLEN, 1514) bytes.
estimate_bytes() {
  local n=$1 format=$2 cap=$((SNAPLEN < 1514 ? SNAPLEN : 1514))
  case $format in
    csv) echo $((n * 100)) ;;
    pcap) echo $((n * (16 + cap))) ;;
    pcapng) echo $((n * (32 + cap + 3))) ;;
  esac
}

# Generates an input unless it is there; written under temporary names and renamed, so that an
# interrupted generation is never taken for a finished one.
ensure_input() {
  local n=$1 format=$2 file
  file=$(input_path "$n" "$format")
  if [[ -s $file && -s $file.truth.csv ]]; then
    return 0
  fi
  local need avail
  need=$(estimate_bytes "$n" "$format")
  avail=$(df --output=avail -B1 "$WORK" | tail -n 1 | tr -d ' ')
  ((avail > need + (1 << 30))) ||
    die "not enough space in $WORK for $(basename "$file"): up to $((need >> 20)) MiB needed, $((avail >> 20)) MiB free"
  local snap=()
  [[ $format == csv ]] || snap=(--snaplen="$SNAPLEN")
  log "generating $file"
  rm -f "$file.part" "$file.truth.csv.part"
  java -Xmx1g -jar "$JAR" generate --output="$file.part" --format="$format" \
    --truth="$file.truth.csv.part" --packets="$n" --seed="$SEED" "${snap[@]}" >&2 ||
    die "generation of $file failed"
  mv "$file.truth.csv.part" "$file.truth.csv"
  mv "$file.part" "$file"
}

# ---- the standalone cluster
cluster_up=0

start_cluster() {
  log "starting the Flink cluster (state $FLOWBEAM_FLINK_STATE)"
  if "$FLINK_DIR/start-cluster.sh" >&2; then
    cluster_up=1
  else
    return 1
  fi
}

stop_cluster() {
  if ((cluster_up)); then
    cluster_up=0
    "$FLINK_DIR/stop-cluster.sh" >&2 || log "stop-cluster.sh failed; check $FLOWBEAM_FLINK_STATE/*.pid"
  fi
}

# The cluster is stopped whatever ends the harness: success, a failed command, Ctrl-C.
trap stop_cluster EXIT
trap 'exit 130' INT TERM

role_pid() { cat "$FLOWBEAM_FLINK_STATE/$1.pid" 2>/dev/null || true; }
# The TaskManagers' PIDs, space-separated (start-cluster.sh starts several: taskmanager-N.pid).
taskmanager_pids() {
  local f
  for f in "$FLOWBEAM_FLINK_STATE"/taskmanager-*.pid; do [[ -e $f ]] && cat "$f"; done | paste -sd' ' -
}
alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }
# Peak resident set size since the JVM started, KB.
hwm_kb() { alive "$1" && awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || true; }
# CPU time (user + system) in clock ticks; the fields after the ")" of the command name.
cpu_ticks() { alive "$1" && sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}' || echo 0; }
# The sum of hwm_kb, of cpu_ticks over the PIDs $1 (space-separated): the TaskManagers together.
sum_hwm_kb() { local p s=0; for p in $1; do s=$((s + $(hwm_kb "$p"))); done; echo "$s"; }
sum_cpu_ticks() { local p s=0; for p in $1; do s=$((s + $(cpu_ticks "$p"))); done; echo "$s"; }

# ---- one run
# Sets ROW to the CSV fields from exit to load15 and NOTE to the free-text note (see the header
# below). Not called in a subshell: it may start and stop the cluster, whose state must persist.
run_one() {
  local config=$1 input=$2 n=$3 format=$4 run=$5
  local out=$WORK/out/$config-$(label "$n")-$format tf=$WORK/out/time.txt
  rm -rf "$out" "$tf"
  mkdir -p "$out"
  NOTE=""
  local rc=0 wall="" rss="" user="" sys=""
  local jm="" tm="" jm_before="" tm_before="" cpu_before=0 jm_hwm="" tm_hwm="" cluster_cpu=""
  local fb_packets="" rejected="" flows="" job="" pps="" mbs=""
  local l1 l5 l15
  local cmd=(java -Xmx"$XMX" -jar "$JAR")
  case $config in
    direct) cmd+=(@"$repo/run-configs/direct.args") ;;
    embedded) ;;
    cluster)
      cmd+=(@"$FLINK_DIR/flink-cluster.args" --flinkMaster=127.0.0.1:"$REST_PORT")
      if ((!cluster_up)) && ! start_cluster; then
        read -r l1 l5 l15 _ </proc/loadavg
        NOTE="cluster start failed"
        ROW="99,,,,,,,,,,,,,,,,$l1,$l5,$l15"
        return
      fi
      jm=$(role_pid jobmanager)
      tm=$(taskmanager_pids)
      jm_before=$(hwm_kb "$jm")
      tm_before=$(sum_hwm_kb "$tm")
      cpu_before=$(($(cpu_ticks "$jm") + $(sum_cpu_ticks "$tm")))
      ;;
  esac
  cmd+=(--input="$input" --output="$out/fb" "${extra[@]}")
  ((RUN_TIMEOUT == 0)) || cmd=(timeout "$RUN_TIMEOUT" "${cmd[@]}")
  read -r l1 l5 l15 _ </proc/loadavg
  log "$(label "$n") $format run $run $config (load $l1 $l5 $l15)"
  /usr/bin/time -f "$TFMT" -o "$tf" "${cmd[@]}" >"$out/stdout" 2>"$out/stderr" || rc=$?
  # GNU time writes "Command exited with non-zero status N" first when the command fails.
  read -r wall rss user sys < <(tail -n 1 "$tf" 2>/dev/null) || true

  if [[ $config == cluster ]]; then
    jm_hwm=$(hwm_kb "$jm")
    tm_hwm=$(sum_hwm_kb "$tm")
    alive "$jm" || NOTE="jobmanager (pid $jm) died"
    local p
    for p in $tm; do alive "$p" || NOTE="${NOTE:+$NOTE; }taskmanager (pid $p) died"; done
    local ticks=$(($(cpu_ticks "$jm") + $(sum_cpu_ticks "$tm") - cpu_before))
    cluster_cpu=$(awk -v t="$ticks" -v hz="$CLK_TCK" 'BEGIN {printf "%.1f", t / hz}')
    if [[ $CLUSTER_RESTART == per-run ]]; then stop_cluster; fi
  fi

  flowbeam_summary "$out/stdout" "$out/stderr"
  fb_packets=$FB_PACKETS rejected=$FB_REJECTED flows=$FB_FLOWS job=$FB_JOB pps=$FB_PPS
  if [[ -n $fb_packets ]]; then
    mbs=$(awk -v b="$(stat -c %s "$input")" -v s="$job" 'BEGIN {if (s > 0) printf "%.2f", b / 1e6 / s}')
  elif ((rc == 0)); then
    NOTE="${NOTE:+$NOTE; }no summary line"
  fi
  if ((rc != 0)); then
    log "$config failed (exit $rc) on $input; see $out/stderr"
    NOTE="${NOTE:+$NOTE; }$(grep -m 1 -E '^flowbeam: (error|failed)' "$out/stderr" | cut -c1-200 || true)"
  elif [[ -n $fb_packets && $fb_packets != "$n" ]]; then
    NOTE="${NOTE:+$NOTE; }FlowBeam read $fb_packets packets of $n"
  fi
  [[ $KEEP_OUTPUT == 1 ]] || rm -rf "$out/fb"
  ROW="$rc,$wall,$job,$pps,$mbs,$fb_packets,$rejected,$flows,$rss,$user,$sys,$jm_hwm,$tm_hwm,$jm_before,$tm_before,$cluster_cpu,$l1,$l5,$l15"
}

if [[ ! -s $OUT_CSV ]]; then
  mkdir -p "$(dirname "$OUT_CSV")"
  echo "utc,input,packets,format,snaplen,input_bytes,truth_flows,config,cluster_restart,xmx,extra_args,rev,run,exit,wall_s,job_s,packets_per_s,mb_per_s,fb_packets,rejected,flows,client_peak_rss_kb,client_user_s,client_sys_s,jm_peak_rss_kb,tm_peak_rss_kb,jm_hwm_before_kb,tm_hwm_before_kb,cluster_cpu_s,load1,load5,load15,note" >"$OUT_CSV"
fi

for n in $SIZES; do
  configs=()
  for c in $CONFIGS; do
    if [[ $c == direct ]] && ((n > DIRECT_MAX)); then
      log "direct skipped for $(label "$n") packets: the Direct Runner keeps everything in memory and checks every element; it runs sizes up to DIRECT_MAX=$DIRECT_MAX only"
      continue
    fi
    configs+=("$c")
  done
  ((${#configs[@]} > 0)) || continue
  for format in $FORMATS; do
    ensure_input "$n" "$format"
    input=$(input_path "$n" "$format")
    bytes=$(stat -c %s "$input")
    truth=$(($(wc -l <"$input.truth.csv") - 1))
    snap=""
    [[ $format == csv ]] || snap=$SNAPLEN
    # Read the input once, untimed, so that the first run too finds it in the page cache (if it fits).
    cat "$input" >/dev/null
    for ((run = 1; run <= RUNS; run++)); do
      for config in "${configs[@]}"; do
        restart=""
        [[ $config == cluster ]] && restart=$CLUSTER_RESTART
        run_one "$config" "$input" "$n" "$format" "$run"
        echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$(label "$n"),$n,$format,$snap,$bytes,$truth,$config,$restart,$XMX,$(csv_quote "$EXTRA_ARGS"),$rev,$run,$ROW,$(csv_quote "$NOTE")" |
          tee -a "$OUT_CSV"
      done
    done
  done
done
log "results in $OUT_CSV; table: python3 bench/e2e/summarize.py $OUT_CSV"
