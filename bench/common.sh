# Shell shared by the benchmark scripts (bench/peers/run-peers.sh, bench/e2e/run-e2e.sh,
# bench/real/run-real.sh). Sourced, not run; the caller sets `set -euo pipefail` and BENCH_NAME
# (the prefix of its messages).

# GNU time's output: wall seconds, peak RSS in KB, CPU seconds in user and kernel mode. Only GNU
# /usr/bin/time (not the shell keyword) reports peak RSS. On a machine shared with other builds the
# CPU time moves less than the wall time, and shows how much of the wall time a multi-threaded tool
# spent working.
TFMT='%e %M %U %S'

log() { echo "${BENCH_NAME:-bench}: $*" >&2; }
die() { log "$*"; exit 2; }

require_gnu_time() {
  [[ -x /usr/bin/time ]] || die "/usr/bin/time missing (apt-get install time): only GNU time reports peak RSS"
}

# The 1/5/15-minute load average, into L1 L5 L15.
read_load() { read -r L1 L5 L15 _ </proc/loadavg; }

# 1000000 -> 1M, 20000 -> 20k, 12 -> 12.
label() {
  local n=$1
  if ((n % 1000000 == 0)); then echo "$((n / 1000000))M"
  elif ((n % 1000 == 0)); then echo "$((n / 1000))k"
  else echo "$n"; fi
}

# Short git revision of the repository holding a directory, "+dirty" when tracked files differ
# from it; "unknown" outside git.
git_rev() {
  local dir=$1 rev
  rev=$(git -C "$dir" rev-parse --short HEAD 2>/dev/null) || { echo unknown; return; }
  if [[ -n $(git -C "$dir" status --porcelain --untracked-files=no 2>/dev/null) ]]; then rev="$rev+dirty"; fi
  echo "$rev"
}

# Builds the fat jar offline (the dependencies are in the local repository and the network is not
# part of any benchmark), before any timing so that no run pays for compilation. Never `install`.
build_flowbeam() {
  log "building FlowBeam in $1 (SKIP_BUILD=1 to use the existing jar)"
  (cd "$1" && mvn -B -q -o -DskipTests package)
}

# Parses FlowBeam's summary line from the given files into FB_PACKETS FB_REJECTED FB_FLOWS FB_JOB
# FB_PPS (all empty when there is none):
#   "flowbeam: 1,000,000 packets, 0 rejected, 5,688 flows in 28.3 s (35,284 packets/s, FlinkRunner) -> DIR"
# FB_JOB is FlowBeam's own time, from the start of the pipeline to its end, without JVM start-up.
flowbeam_summary() {
  FB_PACKETS="" FB_REJECTED="" FB_FLOWS="" FB_JOB="" FB_PPS=""
  local line
  line=$(grep -h '^flowbeam: .* flows in ' "$@" 2>/dev/null | tail -n 1 || true)
  [[ -n $line ]] || return 0
  FB_PACKETS=$(sed -E 's/^flowbeam: ([0-9,]+) packets.*/\1/' <<<"$line" | tr -d ,)
  FB_REJECTED=$(sed -E 's/.* ([0-9,]+) rejected.*/\1/' <<<"$line" | tr -d ,)
  FB_FLOWS=$(sed -E 's/.* ([0-9,]+) flows in .*/\1/' <<<"$line" | tr -d ,)
  FB_JOB=$(sed -E 's/.* flows in ([0-9.]+) s.*/\1/' <<<"$line")
  FB_PPS=$(sed -E 's/.*\(([0-9,]+) packets\/s.*/\1/' <<<"$line" | tr -d ,)
}

# The TCP flow count a peer tool printed, from its output directory (stdout, eve.json).
count_flows() {
  local tool=$1 out=$2
  case $tool in
    # tcptrace -n: one "N: a:p - b:p (x2y)" line per connection.
    tcptrace) grep -cE '^ *[0-9]+: ' "$out/stdout" || true ;;
    # tshark -q -z conv,tcp: one "<->" line per conversation.
    tshark) grep -c '<->' "$out/stdout" || true ;;
    # One EVE flow event per flow; the TCP ones, as the other tools count TCP only.
    suricata) (grep '"event_type":"flow"' "$out/eve.json" 2>/dev/null || true) | grep -c '"proto":"TCP"' || true ;;
    *) echo "" ;;
  esac
}

csv_quote() { local s=${1//\"/\"\"}; echo "\"$s\""; }
