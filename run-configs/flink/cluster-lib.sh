# Shell functions shared by start-cluster.sh, start-taskmanager.sh and stop-cluster.sh (sourced,
# not run). The caller sets: here (this directory), state (the state dir), script (its name, for
# messages) and, before calling the JVM functions, conf_dir, classpath and dynamic (the -D
# dynamic properties every JVM of the cluster gets).

die() {
  echo "$script: $*" >&2
  exit 1
}

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java_run="$JAVA_HOME/bin/java"
else
  java_run=java
fi

readonly jobmanager_class=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
readonly taskmanager_class=org.apache.flink.runtime.taskexecutor.TaskManagerRunner

# Whether PID $1 is alive and runs main class $2: a PID file can outlive its process and the PID be
# reused, and only a JVM running the expected Flink entrypoint is ours.
is_ours() {
  local pid="$1" main_class="$2"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$main_class"
}

# The PID in the file of role $1 (jobmanager, taskmanager-1, ...), or nothing.
role_pid() {
  cat "$state/$1.pid" 2>/dev/null || true
}

# The roles of the TaskManagers that have a PID file in the state dir, by number.
taskmanager_roles() {
  local f
  for f in "$state"/taskmanager-*.pid; do
    [[ -e "$f" ]] || continue
    f="${f##*/}"
    echo "${f%.pid}"
  done | sort -t- -k2,2n
}

# Whether port $1 on 127.0.0.1 accepts connections.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The class path, resolved once from pom.xml and reused until pom.xml changes. Written to a
# temporary file and renamed, so a concurrent start never reads half a class path.
resolve_classpath() {
  local mvn_cmd="${FLOWBEAM_MVN:-mvn}" cp_file="$here/target/classpath.txt" tmp_cp jar
  if [[ ! -s "$cp_file" || "$here/pom.xml" -nt "$cp_file" ]]; then
    mkdir -p "$here/target"
    tmp_cp="$(mktemp "$here/target/classpath.XXXXXX")"
    if ! $mvn_cmd -B -q -ntp -f "$here/pom.xml" dependency:build-classpath \
      -Dmdep.includeScope=runtime -Dmdep.outputFile="$tmp_cp" >"$tmp_cp.log" 2>&1; then
      cat "$tmp_cp.log" >&2
      rm -f "$tmp_cp" "$tmp_cp.log"
      die "Maven could not resolve the Flink class path from $here/pom.xml"
    fi
    mv "$tmp_cp" "$cp_file"
    rm -f "$tmp_cp.log"
  fi
  classpath="$(cat "$cp_file")"
  local jars
  IFS=: read -ra jars <<<"$classpath"
  for jar in "${jars[@]}"; do
    [[ -f "$jar" ]] || die "$jar is missing from the Maven repository; delete $cp_file and retry"
  done
}

# Reads a flat key from config.yaml (Flink's readFromConfig, for the keys the scripts read before
# any JVM runs).
read_conf() {
  sed -n "s/^[ ]*$1[ ]*: \([^#]*\).*$/\1/p" "$conf_dir/config.yaml" | sed 's/^ *//;s/ *$//' | tail -n 1
}

# env.java.opts.all and the role's own options (env.java.opts.$1) from config.yaml.
java_opts() {
  local all
  all="$(read_conf env.java.opts.all)"
  all="${all#\"}"
  all="${all%\"}"
  echo "$all $(read_conf "env.java.opts.$1")"
}

# Runs BashJavaUtils and returns its two result lines (JVM flags, then dynamic configs), as
# bin/bash-java-utils.sh's runBashJavaUtilsCmd and extractExecutionResults do. $2...: extra -D
# properties for this JVM only.
resource_params() {
  local cmd="$1" out results
  shift
  if ! out="$("$java_run" -classpath "$classpath" org.apache.flink.runtime.util.bash.BashJavaUtils \
    "$cmd" --configDir "$conf_dir" "${dynamic[@]}" "$@" 2>&1)"; then
    echo "$out" >&2
    die "BashJavaUtils $cmd failed (memory settings in $conf_dir/config.yaml?)"
  fi
  results="$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')" || true
  if [[ "$(grep -c . <<<"$results")" -ne 2 ]]; then
    echo "$out" >&2
    die "BashJavaUtils $cmd printed no JVM parameters and dynamic configs"
  fi
  echo "$results"
}

# Starts one JVM in the background, as bin/flink-daemon.sh does: JVM flags, then env.java.opts,
# then the log settings; standard output and error go to flink-ROLE.out, the log to
# flink-ROLE.log; the PID to ROLE.pid. $6...: the entrypoint's own arguments.
start_jvm() {
  local role="$1" main_class="$2" jvm_params="$3" dynamic_configs="$4" opts="$5"
  shift 5
  local log="$state/log/flink-$role.log" out="$state/log/flink-$role.out"
  local jvm_args
  # The JVM flags and the options from config.yaml are space-separated words; split them here.
  read -ra jvm_args <<<"$jvm_params $opts"
  local dyn_args
  read -ra dyn_args <<<"$dynamic_configs"
  nohup "$java_run" "${jvm_args[@]}" \
    "-Dlog.file=$log" \
    "-Dlog4j.configuration=file:$conf_dir/log4j.properties" \
    "-Dlog4j.configurationFile=file:$conf_dir/log4j.properties" \
    -classpath "$classpath" "$main_class" \
    --configDir "$conf_dir" "${dyn_args[@]}" "${dynamic[@]}" "$@" \
    >"$out" 2>&1 </dev/null &
  echo $! >"$state/$role.pid"
}

# Starts TaskManager number $1 (role taskmanager-$1), with the two lines of
# resource_params GET_TM_RESOURCE_PARAMS in $2 (computed here if not given). Its resource id is
# taskmanager-$1, the name the web UI and the REST API show; a TaskManager started again under the
# same number replaces the registration of the one before it at once, instead of after a
# heartbeat timeout.
start_taskmanager() {
  local n="$1" params="${2:-}"
  if [[ -z "$params" ]]; then
    params="$(resource_params GET_TM_RESOURCE_PARAMS)"
  fi
  start_jvm "taskmanager-$n" "$taskmanager_class" \
    "$(head -n 1 <<<"$params")" "$(tail -n 1 <<<"$params")" "$(java_opts taskmanager)" \
    -D "taskmanager.resource-id=taskmanager-$n"
}

# The REST overview, one line like {"taskmanagers":2,"slots-total":2,"slots-available":2,...},
# or nothing when the JobManager does not answer.
rest_overview() {
  curl -sf --max-time 2 "http://127.0.0.1:$1/overview" 2>/dev/null || true
}

# Field $2 (a number) of overview $1.
overview_field() {
  sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" <<<"$1"
}
