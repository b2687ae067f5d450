// One MCP tools/call over Streamable HTTP (mcp.mjs): initialize, then the call; prints {"ms": <wall time of the
// call>, "totalFiles": <the answer's page.totalFiles>, "bytes": <answer JSON length>} as one JSON line; with
// OUT=file the answer's structuredContent goes to that file.
// Usage: node call.mjs URL TOOL ARGS_JSON
import { connect } from './mcp.mjs';

const [url, tool, argsJson] = process.argv.slice(2);
const call = await connect(url, 'bench-shards');
const { ms, content } = await call(tool, JSON.parse(argsJson));
const text = JSON.stringify(content);
if (process.env.OUT) (await import('node:fs')).writeFileSync(process.env.OUT, text);
console.log(JSON.stringify({ ms: Math.round(ms), totalFiles: content.page.totalFiles, bytes: text.length }));
