// MCP tools/calls over Streamable HTTP (bench/shards/mcp.mjs): initialize once, then one call of BUILD_ARGS
// to build-knowledge-graph (printed with its wall time) and a second one, then N calls of query-knowledge-graph
// with QUERY_ARGS on the same session, one at a time, and N more with the build's `snapshot` added; prints each
// series' p50, p90, p99, min and max in ms as JSON; then N pings through an analyzer (the pipeline's floor).
// Usage: node calls.mjs URL N BUILD_ARGS_JSON QUERY_ARGS_JSON
import { connect } from '../shards/mcp.mjs';

const [url, n, buildJson, queryJson] = process.argv.slice(2);
const call = await connect(url, 'bench-knowledge-graph');
const build = await call('build-knowledge-graph', JSON.parse(buildJson));
console.log(JSON.stringify({ build: { ms: Math.round(build.ms), source: build.content.source, nodes: build.content.nodes,
  edges: build.content.edges } }));
const again = await call('build-knowledge-graph', JSON.parse(buildJson));
console.log(JSON.stringify({ rebuild: { ms: Math.round(again.ms), source: again.content.source } }));
async function latencies(args) {
  const times = [];
  let total = 0;
  for (let i = 0; i < Number(n); i++) {
    const q = await call('query-knowledge-graph', args);
    times.push(q.ms);
    total = q.content.page.total;
  }
  times.sort((a, b) => a - b);
  const at = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
  return { queries: times.length, answerNodes: total, p50: at(0.5), p90: at(0.9), p99: at(0.99),
    min: times[0].toFixed(1), max: times[times.length - 1].toFixed(1) };
}

// as an agent asks: the path only (the analyzer checks the tree's listing for changes before answering) ...
console.log(JSON.stringify({ byPath: await latencies(JSON.parse(queryJson)) }));
// ... and naming the snapshot build-knowledge-graph answered (no look at the tree)
console.log(JSON.stringify({ bySnapshot: await latencies({ ...JSON.parse(queryJson), snapshot: build.content.snapshot }) }));
// the pipeline's floor in the same run: a ping through an analyzer of the same pool's worker
const pings = [];
for (let i = 0; i < Number(n); i++) pings.push((await call('ping', { via: 'analyzer' })).ms);
pings.sort((a, b) => a - b);
console.log(JSON.stringify({ pingViaAnalyzer: { p50: pings[Math.floor(pings.length / 2)].toFixed(1),
  min: pings[0].toFixed(1) } }));
