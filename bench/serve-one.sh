# Sourced by bench scripts (bench/knowledge-graph/run, bench/warm/run): starts a private redis-server and one
# `./mcpca serve`-like JVM (ingress + workers) with a fresh analyzer disk cache in a new work directory, waits for
# its health, and stops both on exit. Needs HERE (the repository), TREE (the one root) and NAME (prefix, work dir);
# sets W (the work directory: serve.log, cache/) and PORT. MCPCA_JAR and MCPCA_ANALYZER pick another build (a before/after run).
JAR="${MCPCA_JAR:-$HERE/app/target/mcpca-exec.jar}"
ANALYZER="${MCPCA_ANALYZER:-$HERE/rust-workers/target/release/mcpca-analyzer}"
W="$(mktemp -d "/tmp/bench-$NAME.XXXXXX")"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$W/redis.pid" ] && kill "$(cat "$W/redis.pid")" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

RP="$(free_port)"
redis-server --port "$RP" --save "" --appendonly no --dir "$W" --daemonize yes --pidfile "$W/redis.pid" >/dev/null
PORT="$(free_port)"
java -Xmx1g -Dmcpca.analyzer.path="$ANALYZER" -jar "$JAR" --mcpca.redis-url="redis://127.0.0.1:$RP" \
  "--mcpca.roots[0]=$TREE" --server.port="$PORT" --spring.jmx.enabled=false --mcpca.ingress.call-timeout=30m \
  --mcpca.worker.analyzer-cache-dir="$W/cache" --mcpca.prefix="bench-$NAME-$RANDOM" >"$W/serve.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 240); do
  node -e "fetch('http://127.0.0.1:$PORT/actuator/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" && break
  sleep 0.5
done
