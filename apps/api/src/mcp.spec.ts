import { useApi } from './api.test-helpers.js';

// /mcp: the MCP server of @tasksgodzilla/mcp over Streamable HTTP (stateless, JSON answers), behind
// the bearer token; its tools call this api in-process with the caller's credentials.

const ACCEPT = { accept: 'application/json, text/event-stream' };
const rpc = (id: number, method: string, params: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method,
  params,
});
const initialize = rpc(1, 'initialize', {
  protocolVersion: '2025-06-18',
  capabilities: {},
  clientInfo: { name: 'spec', version: '1' },
});
const callTool = (name: string, args: Record<string, unknown>) => rpc(2, 'tools/call', { name, arguments: args });

describe('/mcp behind the bearer token', () => {
  const h = useApi({ config: { apiToken: 'secret-token' } });
  const auth = { ...ACCEPT, authorization: 'Bearer secret-token' };

  it('answers 401 without the token (POST, GET and DELETE), before reading the body', async () => {
    for (const method of ['POST', 'GET', 'DELETE'] as const) {
      const res = await h.call(method, '/mcp', { body: initialize, headers: ACCEPT });
      expect([method, res.status, res.body.detail]).toEqual([method, 401, 'Unauthorized']);
    }
    expect((await h.call('POST', '/mcp', { rawBody: '{oops', headers: ACCEPT })).status).toBe(401);
  });

  it('initializes and lists the tools with the token, statelessly', async () => {
    const init = await h.call('POST', '/mcp', { body: initialize, headers: auth });
    expect(init.status).toBe(200);
    expect(init.body.result.serverInfo.name).toBe('tasksgodzilla');
    expect(init.headers['mcp-session-id']).toBeUndefined();
    const tools = await h.call('POST', '/mcp', { body: rpc(2, 'tools/list'), headers: auth });
    expect(tools.body.result.tools.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['list_projects', 'create_protocol', 'protocol_status', 'step_log']),
    );
  });

  it('runs a tool against this api with the caller token and request id', async () => {
    const projectId = await h.project({}, { authorization: 'Bearer secret-token' });
    const res = await h.call('POST', '/mcp', {
      body: callTool('list_projects', {}),
      headers: { ...auth, 'x-request-id': 'mcp-req-1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('mcp-req-1');
    expect(res.body.result.isError).toBeFalsy();
    expect(res.body.result.structuredContent.items.map((p: { id: number }) => p.id)).toContain(projectId);
  });

  it('answers tool errors for api failures and bad arguments, and JSON-RPC errors for bad messages', async () => {
    const missing = await h.call('POST', '/mcp', {
      body: callTool('protocol_status', { protocol_id: 999 }),
      headers: auth,
    });
    expect(missing.status).toBe(200);
    expect(missing.body.result).toEqual({
      content: [{ type: 'text', text: '404 Not Found: Protocol run not found' }],
      isError: true,
    });
    const bad = await h.call('POST', '/mcp', {
      body: callTool('protocol_status', { protocol_id: 'x' }),
      headers: auth,
    });
    expect(bad.body.result.isError).toBe(true);
    expect(bad.body.result.content[0].text).toMatch(/Input validation error/);
    const notRpc = await h.call('POST', '/mcp', { body: { hello: 'world' }, headers: auth });
    expect(notRpc.status).toBe(400);
    expect(notRpc.body.error.code).toBe(-32700);
    const invalidJson = await h.call('POST', '/mcp', { rawBody: '{oops', headers: auth });
    expect(invalidJson.status).toBe(400);
    const noAccept = await h.call('POST', '/mcp', {
      body: initialize,
      headers: { authorization: 'Bearer secret-token', accept: 'text/html' },
    });
    expect(noAccept.status).toBe(406);
  });

  it('answers 405 to GET and DELETE (no stream, no sessions)', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await h.call(method, '/mcp', { headers: auth });
      expect([method, res.status, res.headers['allow']]).toEqual([method, 405, 'POST']);
      expect(res.body.error.code).toBe(-32000);
    }
  });

  it('is left out of the OpenAPI document', async () => {
    const doc = await h.call('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).not.toContain('/mcp');
  });
});

describe('/mcp with a per-project token', () => {
  const h = useApi();

  it('passes the caller X-Project-Token to the tools: a guarded project needs it', async () => {
    const projectId = await h.project({ secrets: { api_token: 'tok-1' } });
    const call = (headers: Record<string, string>) =>
      h.call('POST', '/mcp', {
        body: callTool('list_protocols', { project_id: projectId }),
        headers: { ...ACCEPT, ...headers },
      });
    const denied = await call({});
    expect(denied.body.result).toMatchObject({
      isError: true,
      content: [{ text: '401 Unauthorized: Project access denied' }],
    });
    const allowed = await call({ 'x-project-token': 'tok-1' });
    expect(allowed.body.result.isError).toBeFalsy();
    expect(allowed.body.result.structuredContent).toMatchObject({
      items: [{ project_id: projectId }],
      next_cursor: null,
    });
  });
});
