// compose/test/mcp-client.mjs: a small MCP client over Streamable HTTP (JSON-RPC handshake, then tools/call) for
// compose/test/run; Node 18+ (fetch), no packages. Exits non-zero with the reason when an answer is not the one
// expected.
//   node mcp-client.mjs URL check CODE_DIR     calls of every pool and one refusal, with their answers checked
//   node mcp-client.mjs URL load CALLS SESSIONS  CALLS pings (through the analyzer) spread over SESSIONS MCP sessions
//                                                 (a session's calls go to one partition), 16 at a time
const [url, mode, ...args] = process.argv.slice(2);
const PROTOCOL = '2025-06-18';

function fail(message) {
  console.error(`mcp-client: ${message}`);
  process.exit(1);
}

// one JSON-RPC message from a response: a JSON body, or the last `data:` event of an SSE body
async function message(response) {
  const text = await response.text();
  if (!response.ok) fail(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  if ((response.headers.get('content-type') || '').startsWith('text/event-stream')) {
    const events = text.split('\n').filter((l) => l.startsWith('data:')).map((l) => JSON.parse(l.slice(5)));
    const answer = events.reverse().find((e) => 'result' in e || 'error' in e);
    if (!answer) fail(`no answer in the event stream: ${text.slice(0, 300)}`);
    return answer;
  }
  return text ? JSON.parse(text) : {};
}

async function post(body, session) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
  if (session) Object.assign(headers, { 'Mcp-Session-Id': session, 'MCP-Protocol-Version': PROTOCOL });
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

async function open() {
  const response = await post({
    jsonrpc: '2.0', id: 0, method: 'initialize',
    params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'compose-test', version: '1' } },
  });
  const session = response.headers.get('mcp-session-id');
  const init = await message(response);
  if (!session || !init.result) fail(`initialize: ${JSON.stringify(init)}`);
  const ack = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
  if (ack.status !== 202 && !ack.ok) fail(`notifications/initialized: HTTP ${ack.status}`);
  await ack.text();
  return { session, next: 1 };
}

async function call(s, name, args) {
  const answer = await message(await post({ jsonrpc: '2.0', id: s.next++, method: 'tools/call', params: { name, arguments: args } }, s.session));
  if (!answer.result) fail(`${name}: ${JSON.stringify(answer)}`);
  return answer.result;
}

function expect(condition, what, result) {
  if (!condition) fail(`${what}: ${JSON.stringify(result).slice(0, 500)}`);
}

async function check(codeDir) {
  const s = await open();
  const ping = await call(s, 'ping', {});
  expect(!ping.isError && ping.structuredContent?.pong === true, 'ping (fast pool, analyzer)', ping);

  const file = `${codeDir}/Sample.java`;
  const metrics = await call(s, 'calculate-metrics', { path: file });
  const lines = metrics.structuredContent?.lines;
  expect(!metrics.isError && lines?.code === 7 && lines?.comment === 1 && lines?.blank === 1,
    'calculate-metrics of Sample.java (fast pool): 7 code, 1 comment, 1 blank line', metrics);
  const fn = (metrics.structuredContent?.functions || []).find((f) => f.name === 'sign');
  expect(fn?.cyclomatic === 3, 'calculate-metrics: sign() has cyclomatic complexity 3', metrics);

  const tree = await call(s, 'analyze-metrics', { path: codeDir, detail: 'files' });
  const totals = tree.structuredContent?.totals;
  expect(!tree.isError && totals?.files === 2 && totals?.byLanguage?.java?.code === 7,
    'analyze-metrics of the tree (heavy pool): 2 files, 7 lines of Java code', tree);

  const outside = await call(s, 'calculate-metrics', { path: '/etc/passwd' });
  expect(outside.isError && outside._meta?.errorCode === 'PATH_OUTSIDE_ROOTS', 'a path outside the roots is refused', outside);
  console.log('check: ping, calculate-metrics (7/1/1 lines, cyclomatic 3), analyze-metrics (2 files), PATH_OUTSIDE_ROOTS: all as expected');
}

async function load(calls, sessions) {
  const opened = await Promise.all(Array.from({ length: sessions }, open));
  let issued = 0;
  let failed = 0;
  const started = Date.now();
  async function lane() {
    while (issued < calls) {
      const s = opened[issued++ % sessions];
      const r = await call(s, 'ping', {});
      if (r.isError || r.structuredContent?.pong !== true) failed++;
    }
  }
  await Promise.all(Array.from({ length: 16 }, lane));
  const seconds = (Date.now() - started) / 1000;
  console.log(`load: ${calls} pings over ${sessions} sessions in ${seconds.toFixed(1)} s (${(calls / seconds).toFixed(0)} calls/s), ${failed} failed`);
  if (failed) process.exit(1);
}

if (mode === 'check') await check(args[0]);
else if (mode === 'load') await load(Number(args[0]), Number(args[1]));
else fail(`unknown mode ${mode}`);
