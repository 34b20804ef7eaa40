#!/usr/bin/env bash
# Side-by-side wall-time benchmark of FlowBeam against the tools users would otherwise run to get
# TCP connections out of a capture: tcptrace, tshark (conversations) and suricata (flow records).
#
#   bench/peers/run-peers.sh                 # 3 runs of each tool on each input size
#   RUNS=1 SIZES=1x TOOLS="tcptrace flowbeam" bench/peers/run-peers.sh
#
# Every tool reads the same capture; runs alternate between tools (run 1 of every tool, then run 2,
# ...) so that a burst of load from other work on this shared machine spreads over all of them
# instead of falling on one. Each run's wall time, peak RSS and CPU time come from GNU `/usr/bin/time`,
# its flow count from the tool's own output, and the 1/5/15-minute load average just before it is
# recorded too, because other engineers' builds may be running. One row per run goes to
# bench/peers/results-<date>.csv (OUT_CSV to change); bench/peers/summarize.py turns it into the
# table of BENCHMARKS.md. Nothing here runs during `mvn verify`.
#
# Environment (all optional):
#   RUNS        runs per tool and input (3)
#   PCAP        the capture (../shared/data/captures/loopback/lo-http-ab-2ip.pcap)
#   SIZES       inputs, any of: 1x (the capture), 10x (10 time-shifted copies appended, made once
#               under WORK), tiny (its first 12 packets: the tools' fixed start-up cost) ("1x 10x tiny")
#   TOOLS       tcptrace tshark suricata flowbeam flowbeam-args flowbeam-p1
#               ("tcptrace tshark suricata flowbeam"); flowbeam is the plain `java -jar` (Flink embedded
#               with one task slot per core, FlowBeamMain's default), flowbeam-args
#               adds @run-configs/flink-embedded.args (--parallelism=2 --fasterCopy=true), flowbeam-p1
#               the same file with --parallelism=1
#   WORK        scratch directory for generated inputs and tool outputs (/tmp/flowbeam-peers); the
#               10x capture (~240 MB) stays there, out of git
#   SKIP_BUILD  1 to use the existing pipelines/target/flowbeam.jar
#   XMX         FlowBeam's heap (4g, as BENCHMARKS.md's other end-to-end figures)
#
# Peers come from Debian packages (tshark also brings editcap, mergecap and capinfos):
#   apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y tshark tcptrace suricata
# A tool that is not installed is skipped with a message (suricata is not in Debian 12's main
# archive, only in bookworm-backports).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
BENCH_NAME=run-peers
# shellcheck source=../common.sh
source "$repo/bench/common.sh"

RUNS=${RUNS:-3}
PCAP=${PCAP:-$repo/../shared/data/captures/loopback/lo-http-ab-2ip.pcap}
SIZES=${SIZES:-1x 10x tiny}
TOOLS=${TOOLS:-tcptrace tshark suricata flowbeam}
WORK=${WORK:-/tmp/flowbeam-peers}
SKIP_BUILD=${SKIP_BUILD:-0}
XMX=${XMX:-4g}
OUT_CSV=${OUT_CSV:-$here/results-$(date -u +%Y-%m-%d).csv}
JAR=$repo/pipelines/target/flowbeam.jar
[[ -r $PCAP ]] || die "no capture at $PCAP (set PCAP)"
PCAP=$(cd "$(dirname "$PCAP")" && pwd)/$(basename "$PCAP")
require_gnu_time
for t in editcap mergecap capinfos; do
  command -v "$t" >/dev/null || die "$t missing (apt-get install tshark brings it)"
done
mkdir -p "$WORK"

# Keep only the tools that are installed, so one missing package does not stop the others.
tools=()
for t in $TOOLS; do
  case $t in
    tcptrace|tshark|suricata)
      if command -v "$t" >/dev/null; then tools+=("$t"); else log "$t not installed, skipped"; fi ;;
    flowbeam|flowbeam-args|flowbeam-p1) tools+=("$t") ;;
    *) die "unknown tool $t" ;;
  esac
done
((${#tools[@]} > 0)) || die "no tool to run"

# FlowBeam is built once, before any timing (build_flowbeam in bench/common.sh).
if [[ " ${tools[*]} " == *" flowbeam"* && $SKIP_BUILD != 1 ]]; then build_flowbeam "$repo"; fi
if [[ " ${tools[*]} " == *" flowbeam"* ]]; then [[ -r $JAR ]] || die "no $JAR"; fi

# The inputs. The 10x input repeats the capture ten times, each copy shifted by 200 s more than the
# one before (the capture spans 75 s), appended in that order: ten times the packets and
# connections with the same traffic mix, so per-packet cost can be told from fixed start-up cost.
input_for() {
  case $1 in
    1x) echo "$PCAP" ;;
    10x)
      local big=$WORK/lo-http-ab-2ip-x10.pcap
      if [[ ! -s $big ]]; then
        log "making $big"
        local copies=()
        for k in 0 1 2 3 4 5 6 7 8 9; do
          editcap -t $((k * 200)) "$PCAP" "$WORK/copy-$k.pcap"
          copies+=("$WORK/copy-$k.pcap")
        done
        mergecap -a -F pcap -w "$big.tmp" "${copies[@]}"
        rm -f "${copies[@]}"
        mv "$big.tmp" "$big"
      fi
      echo "$big" ;;
    tiny)
      # Two connections' first packets: every tool's cost of starting and stopping.
      local tiny=$WORK/lo-http-ab-2ip-first12.pcap
      [[ -s $tiny ]] || editcap -r "$PCAP" "$tiny" 1-12
      echo "$tiny" ;;
    *) die "unknown size $1" ;;
  esac
}

packets_in() { capinfos -M -c -T -r "$1" | cut -f2; }

# One timed run. Prints "wall_s,peak_rss_kb,user_s,sys_s,flows,job_s,exit"; job_s is FlowBeam's own figure
# (from start of the pipeline to its end, without JVM start-up), empty for the others.
run_one() {
  local tool=$1 input=$2 out=$WORK/out-$1 tf=$WORK/time.txt
  rm -rf "$out"; mkdir -p "$out"
  local rc=0
  case $tool in
    tcptrace)
      # -n: no host/port name look-ups (they would time DNS, not tcptrace).
      /usr/bin/time -f "$TFMT" -o "$tf" tcptrace -n "$input" >"$out/stdout" 2>"$out/stderr" || rc=$? ;;
    tshark)
      # -q -z conv,tcp: only the TCP conversation table, no per-packet lines.
      /usr/bin/time -f "$TFMT" -o "$tf" tshark -r "$input" -q -z conv,tcp >"$out/stdout" 2>"$out/stderr" || rc=$? ;;
    suricata)
      # -k none: loopback captures carry unset checksums; the YAML keeps only EVE flow records.
      /usr/bin/time -f "$TFMT" -o "$tf" suricata -c "$here/suricata-flows.yaml" -r "$input" -l "$out" -k none \
        >"$out/stdout" 2>"$out/stderr" || rc=$? ;;
    flowbeam)
      /usr/bin/time -f "$TFMT" -o "$tf" java -Xmx"$XMX" -jar "$JAR" --input="$input" --output="$out/fb" \
        >"$out/stdout" 2>"$out/stderr" || rc=$? ;;
    flowbeam-args)
      /usr/bin/time -f "$TFMT" -o "$tf" java -Xmx"$XMX" -jar "$JAR" @"$repo/run-configs/flink-embedded.args" \
        --input="$input" --output="$out/fb" >"$out/stdout" 2>"$out/stderr" || rc=$? ;;
    flowbeam-p1)
      /usr/bin/time -f "$TFMT" -o "$tf" java -Xmx"$XMX" -jar "$JAR" @"$repo/run-configs/flink-embedded.args" \
        --parallelism=1 --input="$input" --output="$out/fb" >"$out/stdout" 2>"$out/stderr" || rc=$? ;;
  esac
  local wall rss user sys flows="" job=""
  # GNU time writes "Command exited with non-zero status N" first when the tool fails.
  read -r wall rss user sys < <(tail -n 1 "$tf")
  case $tool in
    flowbeam*)
      flowbeam_summary "$out/stdout"
      flows=$FB_FLOWS job=$FB_JOB ;;
    *) flows=$(count_flows "$tool" "$out") ;;
  esac
  if ((rc != 0)); then
    log "$tool failed (exit $rc) on $input; see $out/stderr"
  fi
  rm -rf "$out/fb"   # FlowBeam's outputs are large on the 10x input and not looked at here
  echo "$wall,$rss,$user,$sys,$flows,$job,$rc"
}

if [[ ! -s $OUT_CSV ]]; then
  echo "utc,size,input,packets,tool,run,wall_s,peak_rss_kb,user_s,sys_s,flows,job_s,exit,load1,load5,load15" >"$OUT_CSV"
fi

for size in $SIZES; do
  input=$(input_for "$size")
  packets=$(packets_in "$input")
  # Read the input once untimed so that every tool, the first one included, finds it in the page
  # cache.
  cat "$input" >/dev/null
  for ((run = 1; run <= RUNS; run++)); do
    for tool in "${tools[@]}"; do
      read -r l1 l5 l15 _ </proc/loadavg
      log "$size run $run $tool (load $l1 $l5 $l15)"
      result=$(run_one "$tool" "$input")
      echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$size,$(basename "$input"),$packets,$tool,$run,$result,$l1,$l5,$l15" | tee -a "$OUT_CSV"
    done
  done
done
log "results in $OUT_CSV; table: python3 bench/peers/summarize.py $OUT_CSV"
