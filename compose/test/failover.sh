# compose/test/failover.sh: sourced by compose/test/run --stack ... after the images are built. failover_cluster and
# failover_sentinel each bring their stack up on the private daemon, call the MCP endpoint, kill the Redis master,
# require calls answered again within ANSWER_WITHIN seconds of the kill, and take the stack down (volumes too).
# Uses run's helpers and variables: compose (on STACK_FILE), healthy, phase, say, die, DOCKER, HERE, WORK, the ports.
ANSWER_WITHIN=30
MCP_URL="http://127.0.0.1:$MCPCA_TEST_INGRESS_PORT/mcp"

# mcp-client ARGS...: the test's MCP client against the stack's ingress
mcp() { node "$HERE/mcp-client.mjs" "$MCP_URL" "$@"; }

# redis_cli SERVICE ARGS...: redis-cli inside the (running) container of SERVICE
redis_cli() { local service="$1"; shift; "$DOCKER" exec "$(compose ps -q "$service")" redis-cli "$@"; }

# up_and_call STACK WHAT REDIS_SERVICES...: up, every service healthy, the calls of `check` and a load over 12 sessions
up_and_call() {
  local stack="$1" what="$2" service; shift 2
  compose up -d ingress worker-fast worker-heavy >"$WORK/up-$stack.log" 2>&1 \
    || { cat "$WORK/up-$stack.log" >&2; die "$stack: compose up"; }
  for service in "$@" ingress worker-fast worker-heavy; do healthy "$service" 1; done
  phase "$stack: up ($what, 1 ingress, 1+1 workers) healthy"
  mcp check /srv/code >&2
  mcp load 120 12 >&2
  phase "$stack: MCP calls (check, 120 pings / 12 sessions)"
}

# answered_again STACK KILLED_AT: repeats `check` until it passes; dies ANSWER_WITHIN s after KILLED_AT (date +%s.%N)
answered_again() {
  local stack="$1" killed="$2" left out tries=0
  while :; do
    tries=$((tries + 1))
    left=$(awk -v k="$killed" -v n="$(date +%s.%N)" -v w="$ANSWER_WITHIN" 'BEGIN { printf "%d", k + w - n }')
    ((left > 0)) || { printf '%s\n' "$out" >&2; die "$stack: no answers within $ANSWER_WITHIN s of the kill ($tries tries)"; }
    if out="$(timeout "$left" node "$HERE/mcp-client.mjs" "$MCP_URL" check /srv/code 2>&1)"; then
      say "$stack: answered again $(awk -v k="$killed" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - k }') s after the kill (try $tries): $out"
      return 0
    fi
    say "$stack: try $tries: ${out:0:200}"
    sleep 0.5
  done
}

# after_failover STACK KILLED_AT: the calls again, then the load over 12 sessions (every partition, none may fail)
after_failover() {
  answered_again "$1" "$2"
  phase "$1: kill -> MCP calls answered again"
  mcp load 120 12 >&2
  phase "$1: 120 pings / 12 sessions after the failover"
}

failover_cluster() {
  STACK_FILE="$WORK/cluster.yaml"
  local nodes=(redis redis-1 redis-2 redis-3 redis-4 redis-5) key='mcpca:req:{fast.0}' slot port victim killed i
  local ports=("$MCPCA_TEST_REDIS_PORT" "$MCPCA_TEST_REDIS_PORT_1" "$MCPCA_TEST_REDIS_PORT_2" "$MCPCA_TEST_REDIS_PORT_3"
               "$MCPCA_TEST_REDIS_PORT_4" "$MCPCA_TEST_REDIS_PORT_5")
  up_and_call cluster "3+3 Redis Cluster" "${nodes[@]}"
  say "cluster: the job that created it: $(compose logs --no-color redis-cluster 2>/dev/null | tail -1)"
  # the master holding the slot of the fast pool's partition 0 (its stream exists: the calls above went through it)
  slot="$(redis_cli redis -p "$MCPCA_TEST_REDIS_PORT" cluster keyslot "$key")"
  port="$(redis_cli redis -p "$MCPCA_TEST_REDIS_PORT" cluster nodes | awk -v slot="$slot" '
    $3 ~ /master/ && $3 !~ /fail/ { for (i = 9; i <= NF; i++) { n = split($i, r, "-"); if (n == 1) r[2] = r[1]
      if (slot + 0 >= r[1] + 0 && slot + 0 <= r[2] + 0) { split($2, a, "[:@]"); print a[2] } } }')"
  for i in "${!ports[@]}"; do [[ "${ports[$i]}" == "$port" ]] && victim="${nodes[$i]}"; done
  [[ -n "${victim:-}" ]] || die "cluster: no master found for slot $slot of $key"
  say "cluster: $key is in slot $slot on the master $victim (127.0.0.1:$port): killing it"
  phase "cluster: the master of the partition found"
  killed=$(date +%s.%N)
  compose kill "$victim" >/dev/null 2>&1
  phase "cluster: kill $victim"
  after_failover cluster "$killed"
  # the topology now, from a node still up: the killed master failed, its replica a master
  local witness; for i in "${!nodes[@]}"; do [[ "${nodes[$i]}" != "$victim" ]] && { witness="${nodes[$i]}"; port="${ports[$i]}"; break; }; done
  say "cluster: nodes after the failover (seen by $witness):"
  redis_cli "$witness" -p "$port" cluster nodes | awk '{ print "    " $2, $3, $9, $10, $11 }' >&2
  [[ "$(redis_cli "$witness" -p "$port" cluster nodes | awk '$3 ~ /master/ && $3 !~ /fail/' | wc -l)" == 3 ]] \
    || die "cluster: not 3 masters up after the failover"
  compose down --volumes --timeout 5 >/dev/null 2>&1
  phase "cluster: down"
}

failover_sentinel() {
  STACK_FILE="$WORK/sentinel.yaml"
  local sentinel=(redis_cli sentinel-1 -p "$MCPCA_TEST_SENTINEL_PORT_1") master killed deadline=$((SECONDS + 120)) info
  up_and_call sentinel "master, replica, 3 Sentinels" redis-master
  # a failover needs the quorum: each Sentinel must know the replica and the two other Sentinels
  while :; do
    info="$("${sentinel[@]}" sentinel master mcpca | paste -sd' ')"
    [[ "$info" == *"num-slaves 1 "* && "$info" == *"num-other-sentinels 2 "* ]] && break
    ((SECONDS < deadline)) || die "sentinel: the Sentinels do not see the replica and each other: $info"
    sleep 1
  done
  master="$("${sentinel[@]}" sentinel get-master-addr-by-name mcpca | paste -sd:)"
  [[ "$master" == "127.0.0.1:$MCPCA_TEST_REDIS_PORT" ]] || die "sentinel: the master is $master, not redis-master"
  say "sentinel: the Sentinels' master is redis-master ($master), with 1 replica and 3 Sentinels: killing it"
  phase "sentinel: the Sentinels see the replica and each other"
  killed=$(date +%s.%N)
  compose kill redis-master >/dev/null 2>&1
  phase "sentinel: kill redis-master"
  after_failover sentinel "$killed"
  master="$("${sentinel[@]}" sentinel get-master-addr-by-name mcpca | paste -sd:)"
  say "sentinel: the Sentinels' master after the failover: $master (redis-replica: 127.0.0.1:$MCPCA_TEST_REPLICA_PORT)"
  [[ "$master" == "127.0.0.1:$MCPCA_TEST_REPLICA_PORT" ]] || die "sentinel: the replica was not promoted"
  compose down --volumes --timeout 5 >/dev/null 2>&1
  phase "sentinel: down"
}
