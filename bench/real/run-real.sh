#!/usr/bin/env bash
# The headline benchmark (issue #9): FlowBeam against tcptrace and tshark on real traffic, made as
# large as wanted by repeating real captures in time.
#
#   bench/real/run-real.sh                                  # tiny, 10M, 100M; loopback and ndpi; 2 runs
#   SIZES="tiny 10M" RUNS=1 SKIP_BUILD=1 bench/real/run-real.sh
#   SIZES=100M SOURCES=loopback TOOLS="flowbeam tcptrace" RUNS=1 SKIP_BUILD=1 bench/real/run-real.sh
#   JAR="/work/main/pipelines/target/flowbeam.jar pipelines/target/flowbeam.jar" TOOLS=flowbeam \
#       SIZES=10M SKIP_BUILD=1 bench/real/run-real.sh         # two builds side by side, alternating
#   python3 bench/real/summarize.py bench/real/results-*.csv      # the Markdown tables and targets
#
# Inputs (built once under WORK/inputs, out of git, and reused while their .meta matches):
#   loopback  copies of shared/data/captures/loopback/lo-http-ab-2ip.pcap (240,835 packets of real
#             Linux TCP stacks, 20,311 connections, 75 s, snaplen 128)
#   ndpi      copies of a merge of the nDPI captures (shared/data/captures/ndpi/, 128 files of real
#             application traffic): each file converted to pcap (editcap -F pcap; pcapng with
#             several link types cannot be and is dropped), put in time order (reordercap),
#             rewritten as Ethernet cut to SNAPLEN bytes a frame (pcaptool.py ether: SLL, raw IP,
#             null, PPP and HDLC headers are replaced by an Ethernet header) with its first packet
#             at 2026-01-01T00:00:00Z, then all merged in time order (mergecap). Files spanning
#             more than NDPI_MAX_SPAN seconds (concatenations of captures years apart) and files
#             the tools cannot read are dropped; WORK/inputs/ndpi-merge.log lists what was kept.
# Size N (10M = 10,000,000, 250k, or a plain count) is the first N packets of base, base, base...,
# copy k shifted by k*SHIFT seconds (pcaptool.py repeat), SHIFT = the base's duration rounded up
# + IDLE_TIMEOUT + 1: more than the duration plus FlowBeam's idle timeout, so a copy's flows never
# continue those of the copy before, and the file stays in time order. "tiny" is the base's first
# 12 packets: every tool's fixed cost of starting and stopping.
#
# Every tool reads the same file in one harness run; runs alternate between tools (run 1 of every
# tool, then run 2, ...) so that a burst of load from other work on this shared machine spreads
# over all of them. Per run, one CSV row (OUT_CSV): wall time, peak RSS and CPU time from GNU
# /usr/bin/time, packets/s over the wall time, the flow count each tool prints, FlowBeam's own
# job time and packet count, the 1/5/15-minute load average just before the run, and for FlowBeam
# the build (git revision of the jar's worktree and the jar's SHA-256 prefix). The input is read
# once untimed before its runs, so that every tool finds it in the page cache (if it fits).
#
#   flowbeam  java -Xmx$XMX -jar JAR --input=FILE --output=DIR $FLOWBEAM_ARGS (Flink embedded)
#   tcptrace  tcptrace -n FILE                  (flows: "N: a:p - b:p" lines); skipped above
#             TCPTRACE_MAX packets: it keeps every connection to the end, 7 GB of memory for the
#             843k connections of loopback 10M, so 100M would not fit in this machine's 24 GB
#   tshark    tshark -q -z conv,tcp -r FILE     (flows: "<->" lines); skipped above TSHARK_MAX
#             packets: it needs more than 5 GB of memory and minutes at 10M
#
# Environment (all optional):
#   SIZES          "tiny 10M 100M"
#   SOURCES        "loopback ndpi"
#   TOOLS          "flowbeam tcptrace tshark"
#   RUNS           runs per tool and input (2)
#   JAR            FlowBeam jar(s), space-separated (pipelines/target/flowbeam.jar); several jars
#                  are run alternately as separate rows, told apart by their build label
#   JAR_LABELS     labels of those jars, space-separated (default: git revision of the jar's
#                  worktree, "+dirty" when it has uncommitted changes; set it when the jar was
#                  built at another revision than the worktree's HEAD). summarize.py pools the
#                  runs of one jar by its SHA-256, whatever their labels
#   SKIP_BUILD     1 uses the existing jar (else `mvn -B -q -o -DskipTests package` first; never
#                  when JAR is set)
#   XMX            FlowBeam's heap (1g: the memory target is for -Xmx1g)
#   FLOWBEAM_ARGS  extra FlowBeam options ("")
#   TCPTRACE_MAX   largest packet count tcptrace runs on (10000000)
#   TSHARK_MAX     largest packet count tshark runs on (10000000)
#   INPUTS_ONLY    1 makes the inputs of SOURCES and SIZES and runs nothing
#   RUN_TIMEOUT    seconds after which a run is stopped (0 = none); the row gets exit 124
#   IDLE_TIMEOUT   FlowBeam's idle timeout the copies are spaced for (300, its default)
#   NDPI_MAX_SPAN  nDPI files spanning more seconds are dropped (86400)
#   SNAPLEN        bytes kept of each nDPI frame (128, as the loopback capture)
#   WORK           scratch directory: inputs, tool outputs (/tmp/flowbeam-real); 100M inputs are
#                  about 10 GB each; building one refuses to start without room for it + 1 GiB
#   OUT_CSV        results file (bench/real/results-<UTC date>.csv); rows are appended
#   LOOPBACK_PCAP, NDPI_DIR   the real captures (../shared/data/captures/...)
#
# Peers come from Debian packages (tshark brings editcap, mergecap, reordercap and capinfos):
#   apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y tshark tcptrace time
# Nothing here runs during `mvn verify`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
BENCH_NAME=run-real
# shellcheck source=../common.sh
source "$repo/bench/common.sh"

SIZES=${SIZES:-tiny 10M 100M}
SOURCES=${SOURCES:-loopback ndpi}
TOOLS=${TOOLS:-flowbeam tcptrace tshark}
RUNS=${RUNS:-2}
XMX=${XMX:-1g}
FLOWBEAM_ARGS=${FLOWBEAM_ARGS:-}
TCPTRACE_MAX=${TCPTRACE_MAX:-10000000}
TSHARK_MAX=${TSHARK_MAX:-10000000}
RUN_TIMEOUT=${RUN_TIMEOUT:-0}
IDLE_TIMEOUT=${IDLE_TIMEOUT:-300}
NDPI_MAX_SPAN=${NDPI_MAX_SPAN:-86400}
SNAPLEN=${SNAPLEN:-128}
WORK=${WORK:-/tmp/flowbeam-real}
OUT_CSV=${OUT_CSV:-$here/results-$(date -u +%Y-%m-%d).csv}
LOOPBACK_PCAP=${LOOPBACK_PCAP:-$repo/../shared/data/captures/loopback/lo-http-ab-2ip.pcap}
NDPI_DIR=${NDPI_DIR:-$repo/../shared/data/captures/ndpi}
SKIP_BUILD=${SKIP_BUILD:-0}
INPUTS_ONLY=${INPUTS_ONLY:-0}
[[ -n ${JAR:-} ]] && SKIP_BUILD=1
JAR=${JAR:-$repo/pipelines/target/flowbeam.jar}
JAR_LABELS=${JAR_LABELS:-}
PCAPTOOL=(python3 "$here/pcaptool.py")
# The merged nDPI captures start here: 2026-01-01T00:00:00Z.
NDPI_START=1767225600

require_gnu_time
for v in RUNS TCPTRACE_MAX TSHARK_MAX RUN_TIMEOUT IDLE_TIMEOUT NDPI_MAX_SPAN SNAPLEN; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, got '${!v}'"
done
((RUNS >= 1)) || die "RUNS must be at least 1"
for s in $SOURCES; do [[ $s =~ ^(loopback|ndpi)$ ]] || die "unknown source '$s' (loopback, ndpi)"; done
for t in editcap mergecap reordercap capinfos python3; do
  command -v "$t" >/dev/null || die "$t missing (apt-get install tshark brings it)"
done
read -ra flowbeam_args <<<"$FLOWBEAM_ARGS"

# "tiny", "10M", "250k", "5000000" -> packet count (0 for tiny).
count_of() {
  case $1 in
    tiny) echo 0 ;;
    *[0-9]M) [[ ${1%M} =~ ^[0-9]+$ ]] && echo $((${1%M} * 1000000)) ;;
    *[0-9]k) [[ ${1%k} =~ ^[0-9]+$ ]] && echo $((${1%k} * 1000)) ;;
    *) [[ $1 =~ ^[1-9][0-9]*$ ]] && echo "$1" ;;
  esac
}
for s in $SIZES; do [[ -n $(count_of "$s") ]] || die "unknown size '$s' (tiny, 10M, 250k, a packet count)"; done

# ---- tools and builds
tools=()
for t in $TOOLS; do
  case $t in
    tcptrace|tshark)
      if command -v "$t" >/dev/null; then tools+=("$t"); else log "$t not installed, skipped (apt-get install $t)"; fi ;;
    flowbeam) tools+=("$t") ;;
    *) die "unknown tool '$t' (flowbeam, tcptrace, tshark)" ;;
  esac
done
((${#tools[@]} > 0)) || die "no tool to run"

read -ra jars <<<"$JAR"
read -ra jar_labels <<<"$JAR_LABELS"
jar_shas=()
if [[ " ${tools[*]} " == *" flowbeam "* && $INPUTS_ONLY != 1 ]]; then
  [[ $SKIP_BUILD == 1 ]] || build_flowbeam "$repo"
  for i in "${!jars[@]}"; do
    jar=${jars[$i]}
    [[ -r $jar ]] || die "no jar $jar (build with: mvn -B -q -o -DskipTests package)"
    jars[$i]=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")
    [[ -n ${jar_labels[$i]:-} ]] || jar_labels[$i]=$(git_rev "$(dirname "${jars[$i]}")")
    jar_shas[$i]=$(sha256sum "${jars[$i]}" | cut -c1-12)
    log "flowbeam build ${jar_labels[$i]}: ${jars[$i]} (sha256 ${jar_shas[$i]}, $(date -u -r "${jars[$i]}" +%Y-%m-%dT%H:%MZ))"
  done
  if ((${#jars[@]} > 1)); then
    labels_seen=$(printf '%s\n' "${jar_labels[@]}" | sort | uniq -d)
    [[ -z $labels_seen ]] || die "two jars share the label '$labels_seen'; set JAR_LABELS"
  fi
fi

# ---- inputs
mkdir -p "$WORK/inputs" "$WORK/out"

# Duration of a capture in whole seconds, rounded up; its packet count.
capture_facts() {
  local n first last
  read -r n first last _ < <("${PCAPTOOL[@]}" info "$1")
  echo "$n $(((last - first + 999999) / 1000000))"
}

ndpi_merge() {
  local merged=$WORK/inputs/ndpi-merge.pcap
  local meta="max_span=$NDPI_MAX_SPAN snaplen=$SNAPLEN start=$NDPI_START"
  if [[ -s $merged && $(cat "$merged.meta" 2>/dev/null) == "$meta" ]]; then echo "$merged"; return; fi
  log "merging the nDPI captures of $NDPI_DIR into $merged"
  local tmp=$WORK/inputs/ndpi-parts
  rm -rf "$tmp"; mkdir -p "$tmp"
  local f name kept=() n first last linktype span rc
  : >"$WORK/inputs/ndpi-merge.log"
  for f in "$NDPI_DIR"/*; do
    [[ -f $f ]] || continue
    name=$(basename "$f")
    # Time order first (reordercap writes pcapng; without -n it writes even a file in order), then pcapng -> pcap: refused for pcapng files
    # mixing link types, and for a file cut short (the part before the cut would be real, but the
    # tools treat the tail differently).
    if ! reordercap "$f" "$tmp/$name.a" >"$tmp/err" 2>&1; then
      echo "dropped $name: reordercap: $(head -c 200 "$tmp/err" | tr '\n' ' ')" >>"$WORK/inputs/ndpi-merge.log"
      continue
    fi
    if ! editcap -F pcap "$tmp/$name.a" "$tmp/$name.b" >"$tmp/err" 2>&1; then
      echo "dropped $name: editcap -F pcap: $(head -c 200 "$tmp/err" | tr '\n' ' ')" >>"$WORK/inputs/ndpi-merge.log"
      continue
    fi
    n=0
    read -r n first last linktype _ < <("${PCAPTOOL[@]}" info "$tmp/$name.b" 2>"$tmp/err") || true
    if ((n == 0)); then echo "dropped $name: no packets read $(head -c 200 "$tmp/err")" >>"$WORK/inputs/ndpi-merge.log"; continue; fi
    span=$(((last - first) / 1000000))
    if ((span > NDPI_MAX_SPAN)); then
      echo "dropped $name: spans $span s > NDPI_MAX_SPAN=$NDPI_MAX_SPAN" >>"$WORK/inputs/ndpi-merge.log"; continue
    fi
    rc=0
    "${PCAPTOOL[@]}" ether "$tmp/$name.b" "$tmp/$name.eth" --start="$NDPI_START" --snaplen="$SNAPLEN" 2>"$tmp/err" || rc=$?
    if ((rc != 0)); then
      echo "dropped $name: link type $linktype: $(head -c 200 "$tmp/err")" >>"$WORK/inputs/ndpi-merge.log"; continue
    fi
    echo "kept $name: $n packets, link type $linktype, $span s$( [[ -s $tmp/err ]] && echo "; $(tr '\n' ' ' <"$tmp/err")")" >>"$WORK/inputs/ndpi-merge.log"
    kept+=("$tmp/$name.eth")
    rm -f "$tmp/$name.a" "$tmp/$name.b"
  done
  ((${#kept[@]} > 0)) || die "no nDPI capture could be converted (see $WORK/inputs/ndpi-merge.log)"
  mergecap -F pcap -w "$merged.part" "${kept[@]}"
  mv "$merged.part" "$merged"
  echo "$meta" >"$merged.meta"
  rm -rf "$tmp"
  log "$merged: $(grep -c '^kept' "$WORK/inputs/ndpi-merge.log") files kept, $(grep -c '^dropped' "$WORK/inputs/ndpi-merge.log") dropped (see ndpi-merge.log)"
  echo "$merged"
}

base_of() {
  case $1 in
    loopback) [[ -r $LOOPBACK_PCAP ]] || die "no capture at $LOOPBACK_PCAP (set LOOPBACK_PCAP)"; echo "$LOOPBACK_PCAP" ;;
    ndpi) [[ -d $NDPI_DIR ]] || die "no directory $NDPI_DIR (set NDPI_DIR)"; ndpi_merge ;;
  esac
}

# Makes (once) the input of a source and size; prints its path.
input_for() {
  local source=$1 size=$2 base n shift_s packets dur out meta
  base=$(base_of "$source")
  read -r n dur < <(capture_facts "$base")
  packets=$(count_of "$size")
  ((packets > 0)) || packets=12
  shift_s=$((dur + IDLE_TIMEOUT + 1))
  out=$WORK/inputs/$source-$size.pcap
  meta="base=$(basename "$base") base_packets=$n packets=$packets shift=$shift_s"
  if [[ -s $out && $(cat "$out.meta" 2>/dev/null) == "$meta" ]]; then echo "$out"; return; fi
  # Room for the file: the base's bytes per packet times the count, plus 1 GiB.
  local need avail
  need=$(($(stat -c %s "$base") * packets / n + (1 << 30)))
  avail=$(df --output=avail -B1 "$WORK" | tail -n 1 | tr -d ' ')
  ((avail > need)) || die "not enough space in $WORK for $out: $((need >> 20)) MiB needed, $((avail >> 20)) MiB free"
  log "making $out: $packets packets from copies of $(basename "$base") ($n packets, $dur s), $shift_s s apart"
  rm -f "$out" "$out.meta"
  "${PCAPTOOL[@]}" repeat "$base" "$out" --packets="$packets" --shift="$shift_s"
  echo "$meta" >"$out.meta"
  echo "$out"
}

# ---- one run: sets ROW (exit,wall_s,job_s,packets_per_s,peak_rss_kb,user_s,sys_s,flows,fb_packets) and NOTE
run_one() {
  local tool=$1 input=$2 packets=$3 jar=${4:-} out=$WORK/out/$1 tf=$WORK/out/time.txt
  rm -rf "$out" "$tf"; mkdir -p "$out"
  NOTE=""
  local cmd
  case $tool in
    # -n: no host/port name look-ups (they would time DNS, not tcptrace).
    tcptrace) cmd=(tcptrace -n "$input") ;;
    # -q -z conv,tcp: only the TCP conversation table, no per-packet lines.
    tshark) cmd=(tshark -q -z conv,tcp -r "$input") ;;
    flowbeam) cmd=(java -Xmx"$XMX" -jar "$jar" --input="$input" --output="$out/fb" "${flowbeam_args[@]}") ;;
  esac
  ((RUN_TIMEOUT == 0)) || cmd=(timeout "$RUN_TIMEOUT" "${cmd[@]}")
  local rc=0 wall="" rss="" user="" sys="" flows="" pps=""
  /usr/bin/time -f "$TFMT" -o "$tf" "${cmd[@]}" >"$out/stdout" 2>"$out/stderr" || rc=$?
  # GNU time writes "Command exited with non-zero status N" first when the tool fails.
  read -r wall rss user sys < <(tail -n 1 "$tf" 2>/dev/null) || true
  FB_PACKETS="" FB_JOB=""
  if [[ $tool == flowbeam ]]; then
    flowbeam_summary "$out/stdout" "$out/stderr"
    flows=$FB_FLOWS
    if ((rc == 0)) && [[ -z $FB_PACKETS ]]; then NOTE="no summary line"; fi
    # FlowBeam's summary counts IP packets; frames without IP (ARP, ...) are counted apart in its
    # manifest, so on the nDPI merge it says fewer than the file holds.
    if [[ -n $FB_PACKETS && $FB_PACKETS != "$packets" ]]; then NOTE="FlowBeam counted $FB_PACKETS IP packets of $packets frames"; fi
    [[ -n $FB_REJECTED && $FB_REJECTED != 0 ]] && NOTE="${NOTE:+$NOTE; }$FB_REJECTED rejected"
  else
    flows=$(count_flows "$tool" "$out")
  fi
  if ((rc != 0)); then
    log "$tool failed (exit $rc) on $input; see $out/stderr"
    NOTE="${NOTE:+$NOTE; }exit $rc: $(grep -m 1 -v '^\s*$' "$out/stderr" | cut -c1-160 || true)"
  fi
  [[ -n $wall ]] && pps=$(awk -v n="$packets" -v w="$wall" 'BEGIN {if (w > 0) printf "%.0f", n / w}')
  rm -rf "$out/fb"   # FlowBeam's outputs are large and not looked at here
  ROW="$rc,$wall,$FB_JOB,$pps,$rss,$user,$sys,$flows,$FB_PACKETS"
}

if [[ ! -s $OUT_CSV ]]; then
  mkdir -p "$(dirname "$OUT_CSV")"
  echo "utc,source,size,input,packets,input_bytes,tool,build,jar_sha256,xmx,flowbeam_args,run,exit,wall_s,job_s,packets_per_s,peak_rss_kb,user_s,sys_s,flows,fb_packets,load1,load5,load15,note" >"$OUT_CSV"
fi

if [[ $INPUTS_ONLY == 1 ]]; then
  for source in $SOURCES; do
    for size in $SIZES; do log "input: $(input_for "$source" "$size")"; done
  done
  exit 0
fi

for source in $SOURCES; do
  for size in $SIZES; do
    input=$(input_for "$source" "$size")
    packets=$(capinfos -M -c -T -r "$input" | cut -f2)
    bytes=$(stat -c %s "$input")
    # Each run of a tool: "tool" or "flowbeam#i" for the i-th jar.
    runs=()
    for tool in "${tools[@]}"; do
      if [[ $tool == tshark ]] && ((packets > TSHARK_MAX)); then
        log "tshark skipped at $size: $packets packets > TSHARK_MAX=$TSHARK_MAX"
        continue
      fi
      if [[ $tool == tcptrace ]] && ((packets > TCPTRACE_MAX)); then
        log "tcptrace skipped at $size: $packets packets > TCPTRACE_MAX=$TCPTRACE_MAX"
        continue
      fi
      if [[ $tool == flowbeam ]]; then
        for i in "${!jars[@]}"; do runs+=("flowbeam#$i"); done
      else
        runs+=("$tool")
      fi
    done
    cat "$input" >/dev/null
    for ((run = 1; run <= RUNS; run++)); do
      for r in "${runs[@]}"; do
        tool=${r%%#*} jar="" build="" sha="" xmx="" fbargs=""
        if [[ $tool == flowbeam ]]; then
          i=${r#*#}; jar=${jars[$i]}; build=${jar_labels[$i]}; sha=${jar_shas[$i]}; xmx=$XMX; fbargs=$FLOWBEAM_ARGS
        fi
        read_load
        log "$source $size run $run $tool${build:+ $build} (load $L1 $L5 $L15)"
        run_one "$tool" "$input" "$packets" "$jar"
        echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$source,$size,$(basename "$input"),$packets,$bytes,$tool,$build,$sha,$xmx,$(csv_quote "$fbargs"),$run,$ROW,$L1,$L5,$L15,$(csv_quote "$NOTE")" |
          tee -a "$OUT_CSV"
      done
    done
  done
done
log "results in $OUT_CSV; tables: python3 bench/real/summarize.py $OUT_CSV"
