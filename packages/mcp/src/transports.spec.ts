import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { project } from '@tasksgodzilla/testing/client-fixtures';
import { fakeApi } from './fake-api.test-helpers.js';
import { handleMcpHttpRequest, mcpMethodNotAllowed } from './http.js';
import { serveMcpStdio } from './stdio.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON-RPC answers read by path
type Json = any;

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'spec', version: '1' } },
};
const callListProjects = {
  jsonrpc: '2.0',
  id: 2,
  method: 'tools/call',
  params: { name: 'list_projects', arguments: {} },
};

describe('serveMcpStdio', () => {
  it('answers newline-delimited JSON-RPC on its streams and returns when stdin ends', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const api = fakeApi({ 'GET /projects': () => ({ body: [project({ id: 1, name: 'demo' })] }) });
    const serving = serveMcpStdio({ client: api.client, stdin, stdout });
    const lines = createInterface({ input: stdout })[Symbol.asyncIterator]();
    const next = async () => JSON.parse((await lines.next()).value as string) as Json;

    stdin.write(`${JSON.stringify(initialize)}\n`);
    expect((await next()).result.serverInfo.name).toBe('tasksgodzilla');
    stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    stdin.write(`${JSON.stringify(callListProjects)}\n`);
    const answer = await next();
    expect(answer.id).toBe(2);
    expect(answer.result.structuredContent.items[0].name).toBe('demo');
    stdin.write('{not json\n');
    stdin.end();
    await expect(serving).resolves.toBeUndefined();
  });

  it('returns when its signal aborts', async () => {
    const controller = new AbortController();
    const serving = serveMcpStdio({
      client: fakeApi({}).client,
      stdin: new PassThrough(),
      stdout: new PassThrough(),
      signal: controller.signal,
    });
    controller.abort();
    await expect(serving).resolves.toBeUndefined();
  });
});

describe('handleMcpHttpRequest', () => {
  const post = (accept = 'application/json, text/event-stream') =>
    new Request('http://api.test/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept },
    });

  it('answers an initialize and a tool call statelessly, as JSON', async () => {
    const api = fakeApi({ 'GET /projects': () => ({ body: [project({ id: 1, name: 'demo' })] }) });
    const init = await handleMcpHttpRequest(post(), { client: api.client, parsedBody: initialize });
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toMatch(/application\/json/);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    expect(((await init.json()) as Json).result.serverInfo.name).toBe('tasksgodzilla');

    const call = await handleMcpHttpRequest(post(), {
      client: api.client,
      parsedBody: callListProjects,
    });
    expect(call.status).toBe(200);
    expect(((await call.json()) as Json).result.structuredContent.items[0].id).toBe(1);
  });

  it('reads the body itself when none was parsed, and refuses what the transport does not accept', async () => {
    const { client } = fakeApi({});
    const raw = new Request('http://api.test/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initialize),
    });
    expect((await handleMcpHttpRequest(raw, { client })).status).toBe(200);
    expect((await handleMcpHttpRequest(post('text/html'), { client, parsedBody: initialize })).status).toBe(406);
    const notJsonRpc = await handleMcpHttpRequest(post(), { client, parsedBody: { hello: 1 } });
    expect(notJsonRpc.status).toBe(400);
  });

  it('has a 405 answer for GET and DELETE', async () => {
    const answer = mcpMethodNotAllowed();
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
    expect(((await answer.json()) as Json).error.code).toBe(-32000);
  });
});
