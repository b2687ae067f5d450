// A minimal MCP client over Streamable HTTP with Node's fetch (no SDK): `connect(url, name)` initializes a session
// and returns `call(tool, args)`, which answers `{ms, content}` (the call's wall time and its structuredContent) and
// exits the process with the answer on stderr if the call failed. Used by bench/shards and bench/knowledge-graph.
const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': '2025-06-18' };

async function post(url, body, session) {
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

export async function connect(url, name) {
  const init = await post(url, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18',
    capabilities: {}, clientInfo: { name, version: '1' } } });
  const session = init.response.headers.get('mcp-session-id');
  await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
  let nextId = 1;
  return async function call(tool, args) {
    const id = ++nextId;
    const started = performance.now();
    const r = await post(url, { jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: args } },
      session);
    const ms = performance.now() - started;
    const answer = r.messages.find((m) => m.id === id);
    if (!answer || answer.error || answer.result.isError) {
      console.error(JSON.stringify(answer));
      process.exit(1);
    }
    return { ms, content: answer.result.structuredContent };
  };
}
