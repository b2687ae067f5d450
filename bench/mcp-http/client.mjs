// The TypeScript-client half of bench/mcp-http: the TypeScript MCP SDK client calling the no-op tool `ping`
// on each server named on the command line (warm-up, sequential p50/p99 on one session, then calls/s with N
// in flight, one session each), then the ratios the targets of issue 13 name (a: this server through the
// pipeline, b: the Java SDK in-process, c: the TypeScript SDK's server).
// Every call is `ping` with {via}: `worker` unless the server's spec names another after `#` (a fragment is never
// sent): this server answers `via: worker` in the worker, `via: analyzer` through a warm analyzer process; the
// no-op servers accept and ignore the argument.
// Usage: node client.mjs sequentialCalls inFlight throughputCalls name=baseUrl[#via]...
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [sequential, inFlight, throughputCalls] = process.argv.slice(2, 5).map(Number);
const servers = process.argv.slice(5).map((a) => {
  const [name, spec] = a.split(/=(.*)/s);
  const [url, via = 'worker'] = spec.split('#');
  return [name, url, via];
});

async function connect(baseUrl) {
  const client = new Client({ name: 'bench-mcp-http', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', baseUrl)));
  return client;
}

async function call(client, via) {
  const result = await client.callTool({ name: 'ping', arguments: { via } });
  if (result.isError) throw new Error(`ping failed: ${JSON.stringify(result.content)}`);
}

const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

async function measure(baseUrl, via) {
  const one = await connect(baseUrl);
  for (let i = 0; i < Math.min(1000, sequential); i++) await call(one, via);
  const samples = [];
  for (let i = 0; i < sequential; i++) {
    const begin = process.hrtime.bigint();
    await call(one, via);
    samples.push(Number(process.hrtime.bigint() - begin) / 1e6);
  }
  samples.sort((x, y) => x - y);
  const callers = await Promise.all(Array.from({ length: inFlight }, () => connect(baseUrl)));
  let remaining = throughputCalls;
  const start = process.hrtime.bigint();
  await Promise.all(callers.map(async (c) => { while (remaining-- > 0) await call(c, via); }));
  const perSecond = throughputCalls / (Number(process.hrtime.bigint() - start) / 1e9);
  await Promise.all([one, ...callers].map((c) => c.close()));
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), perSecond };
}

const results = {};
console.log(`${'ts client -> server'.padEnd(34)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'calls/s'.padStart(9)}`);
for (const [name, url, via] of servers) {
  const r = (results[name] = await measure(url, via));
  console.log(`${`ts -> ${name} (via ${via})`.padEnd(34)} ${r.p50.toFixed(3).padStart(9)} ${r.p99.toFixed(3).padStart(9)} ${r.perSecond.toFixed(0).padStart(9)}`);
}
const { a, b, c } = results;
const signed = (x) => (x >= 0 ? '+' : '') + x.toFixed(3);
if (a && b) console.log(`ts: a - b p50 ${signed(a.p50 - b.p50)} ms (target <= +0.5); a / b calls/s ${(a.perSecond / b.perSecond).toFixed(2)} (target >= 0.80)`);
if (a && c) console.log(`ts: a / c p50 ${(a.p50 / c.p50).toFixed(2)}x (target <= 1); a / c calls/s ${(a.perSecond / c.perSecond).toFixed(2)} (target >= 1)`);
process.exit(0);
