// Cold and warm calls over MCP Streamable HTTP (bench/shards/mcp.mjs): for each tool, one call with ARGS (cold:
// an empty result cache) then N more of the same (warm: the tree unchanged), and N pings through the analyzer
// (the pipeline's floor). Prints one JSON line per tool: cold ms, warm p50 / min / max ms, and whether every warm
// answer equalled the cold one byte for byte, and the answer's size (its structuredContent as JSON).
// Usage: node calls.mjs URL N ARGS_JSON TOOL...
import { connect } from '../shards/mcp.mjs';

const [url, n, argsJson, ...tools] = process.argv.slice(2);
const call = await connect(url, 'bench-warm');
const args = JSON.parse(argsJson);
const stats = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)].toFixed(1), min: sorted[0].toFixed(1),
    max: sorted[sorted.length - 1].toFixed(1) };
};
for (const tool of tools) {
  const cold = await call(tool, args);
  const times = [];
  let same = true;
  for (let i = 0; i < Number(n); i++) {
    const warm = await call(tool, args);
    times.push(warm.ms);
    same &&= JSON.stringify(warm.content) === JSON.stringify(cold.content);
  }
  console.log(JSON.stringify({ tool, coldMs: Math.round(cold.ms), warm: stats(times), warmEqualsCold: same,
    answerBytes: JSON.stringify(cold.content).length }));
}
const pings = [];
for (let i = 0; i < Number(n); i++) pings.push((await call('ping', { via: 'analyzer' })).ms);
console.log(JSON.stringify({ tool: 'ping via analyzer', warm: stats(pings) }));
