// One MCP tools/call over Streamable HTTP with Node's fetch (no SDK needed): initialize, then the call;
// prints {"ms": <wall time of the call>, "totalFiles": <the answer's page.totalFiles>, "bytes": <answer JSON
// length>} as one JSON line; with OUT=file the answer's structuredContent goes to that file.
// Usage: node call.mjs URL TOOL ARGS_JSON
const [url, tool, argsJson] = process.argv.slice(2);
const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': '2025-06-18' };

async function post(body, session) {
  const h = session ? { ...headers, 'Mcp-Session-Id': session } : headers;
  const response = await fetch(url, { method: 'POST', headers: h, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok && response.status !== 202) throw new Error(`${response.status}: ${text}`);
  return { response, messages: parse(text) };
}

// a JSON body, or SSE events whose data lines hold JSON-RPC messages
function parse(text) {
  if (!text) return [];
  if (text.trimStart().startsWith('{')) return [JSON.parse(text)];
  return text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).filter(Boolean)
    .map((d) => JSON.parse(d));
}

const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18',
  capabilities: {}, clientInfo: { name: 'bench-shards', version: '1' } } });
const session = init.response.headers.get('mcp-session-id');
await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
const started = performance.now();
const call = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call',
  params: { name: tool, arguments: JSON.parse(argsJson) } }, session);
const ms = performance.now() - started;
const answer = call.messages.find((m) => m.id === 2);
if (!answer || answer.error || answer.result.isError) {
  console.error(JSON.stringify(answer));
  process.exit(1);
}
const content = answer.result.structuredContent;
const text = JSON.stringify(content);
if (process.env.OUT) (await import('node:fs')).writeFileSync(process.env.OUT, text);
console.log(JSON.stringify({ ms: Math.round(ms), totalFiles: content.page.totalFiles, bytes: text.length }));
