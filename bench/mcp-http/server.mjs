// Server (c) of bench/mcp-http: the TypeScript MCP SDK's Streamable HTTP server (stateful: one transport per
// session, as the SDK's example) with a no-op tool `ping`, on node:http. Prints `port N` when it listens.
// Usage: node server.mjs [port=0]
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

const transports = new Map();

function newSession() {
  const server = new McpServer({ name: 'ts-noop', version: '0' });
  server.registerTool('ping', { description: 'no-op' }, async () => ({ content: [{ type: 'text', text: 'pong' }] }));
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id) => transports.set(id, transport),
  });
  transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
  server.connect(transport);
  return transport;
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
}

const httpServer = http.createServer(async (req, res) => {
  try {
    const id = req.headers['mcp-session-id'];
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    let transport = id ? transports.get(id) : undefined;
    if (!transport && req.method === 'POST' && isInitializeRequest(body)) transport = newSession();
    if (!transport) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(
        JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'no valid session' }, id: null }));
      return;
    }
    await transport.handleRequest(req, res, body);
  } catch (e) {
    if (!res.headersSent) res.writeHead(500).end(String(e));
  }
});
httpServer.keepAliveTimeout = 60_000;
httpServer.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => console.log(`port ${httpServer.address().port}`));
