// MCP tools/call over Streamable HTTP with Node's fetch (no SDK): initialize once, then one call of BUILD_ARGS
// to build-knowledge-graph (printed with its wall time) and a second one, then N calls of query-knowledge-graph
// with QUERY_ARGS on the same session, one at a time, and N more with the build's `snapshot` added; prints each
// series' p50, p90, p99, min and max in ms as JSON.
// Usage: node calls.mjs URL N BUILD_ARGS_JSON QUERY_ARGS_JSON
const [url, n, buildJson, queryJson] = process.argv.slice(2);
const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': '2025-06-18' };
let nextId = 1;

async function post(body, session) {
  const h = session ? { ...headers, 'Mcp-Session-Id': session } : headers;
  const response = await fetch(url, { method: 'POST', headers: h, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok && response.status !== 202) throw new Error(`${response.status}: ${text}`);
  return { response, messages: parse(text) };
}

function parse(text) {
  if (!text) return [];
  if (text.trimStart().startsWith('{')) return [JSON.parse(text)];
  return text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).filter(Boolean)
    .map((d) => JSON.parse(d));
}

async function call(session, tool, args) {
  const id = ++nextId;
  const started = performance.now();
  const r = await post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: args } }, session);
  const ms = performance.now() - started;
  const answer = r.messages.find((m) => m.id === id);
  if (!answer || answer.error || answer.result.isError) {
    console.error(JSON.stringify(answer));
    process.exit(1);
  }
  return { ms, content: answer.result.structuredContent };
}

const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18',
  capabilities: {}, clientInfo: { name: 'bench-knowledge-graph', version: '1' } } });
const session = init.response.headers.get('mcp-session-id');
await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
const build = await call(session, 'build-knowledge-graph', JSON.parse(buildJson));
console.log(JSON.stringify({ build: { ms: Math.round(build.ms), source: build.content.source, nodes: build.content.nodes,
  edges: build.content.edges } }));
const again = await call(session, 'build-knowledge-graph', JSON.parse(buildJson));
console.log(JSON.stringify({ rebuild: { ms: Math.round(again.ms), source: again.content.source } }));
async function latencies(args) {
  const times = [];
  let total = 0;
  for (let i = 0; i < Number(n); i++) {
    const q = await call(session, 'query-knowledge-graph', args);
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
