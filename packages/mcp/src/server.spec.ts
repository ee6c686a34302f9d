import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createClient, type TasksGodzillaClient } from '@tasksgodzilla/client';
import { event, project, run, step } from '@tasksgodzilla/testing/client-fixtures';
import { fakeApi, job } from './fake-api.test-helpers.js';
import { createMcpServer } from './server.js';
import { TOOLS } from './tools.js';

/** An SDK client connected in memory to a server over `api`. */
async function connect(api: TasksGodzillaClient): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createMcpServer({ client: api }).connect(serverSide);
  const client = new Client({ name: 'spec', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

describe('MCP server tools', () => {
  const clients: Client[] = [];
  const open = async (api: TasksGodzillaClient) => {
    const client = await connect(api);
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('lists every tool with JSON schemas taken from the api contract', async () => {
    const client = await open(fakeApi({}).client);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOLS.map((t) => t.name));
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'list_projects',
        'create_project',
        'list_protocols',
        'create_protocol',
        'start_protocol',
        'protocol_status',
        'pause_protocol',
        'resume_protocol',
        'cancel_protocol',
        'retry_protocol',
        'approve_step',
        'step_log',
        'step_diff',
        'recent_events',
      ]),
    );
    const byName = new Map(tools.map((t) => [t.name, t]));
    const createProject = byName.get('create_project')!.inputSchema;
    expect(createProject.required).toEqual(expect.arrayContaining(['name', 'git_url']));
    const status = byName.get('protocol_status')!.inputSchema as unknown as {
      properties: { protocol_id: { type: string } };
    };
    expect(status.properties.protocol_id.type).toBe('integer');
    const create = byName.get('create_protocol')!.inputSchema as { properties: Record<string, unknown> };
    expect(Object.keys(create.properties)).toEqual(
      expect.arrayContaining(['project_id', 'protocol_name', 'description', 'template', 'auto_advance', 'start']),
    );
    expect(byName.get('list_projects')!.annotations?.readOnlyHint).toBe(true);
  });

  it('create_protocol posts the run fields only, then starts it when asked', async () => {
    const api = fakeApi({
      'POST /projects/(\\d+)/protocols': (request) => ({
        body: run({ id: 7, ...(request.body as object) }),
      }),
      'POST /protocols/(\\d+)/actions/start': () => ({ body: job('plan_protocol_job') }),
    });
    const client = await open(api.client);
    const result = await client.callTool({
      name: 'create_protocol',
      arguments: { project_id: 1, protocol_name: '0007-demo', template: '/srv/tpl', auto_advance: true, start: true },
    });
    expect(result.isError).toBeFalsy();
    expect(api.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /projects/1/protocols',
      'POST /protocols/7/actions/start',
    ]);
    expect(api.seen[0]!.body).toEqual({ protocol_name: '0007-demo', template: '/srv/tpl', auto_advance: true });
    const structured = result.structuredContent as { protocol: { id: number; auto_advance: boolean }; start: unknown };
    expect(structured.protocol).toMatchObject({ id: 7, auto_advance: true });
    expect(structured.start).toMatchObject({ job: { job_type: 'plan_protocol_job' } });
    expect(JSON.parse(text(result))).toEqual(structured);
  });

  it('create_protocol without start only creates', async () => {
    const api = fakeApi({ 'POST /projects/(\\d+)/protocols': () => ({ body: run({ id: 8 }) }) });
    const client = await open(api.client);
    const result = await client.callTool({
      name: 'create_protocol',
      arguments: { project_id: 1, protocol_name: '0008-x', description: 'Add a README' },
    });
    expect(result.structuredContent).toMatchObject({ protocol: { id: 8 }, start: null });
    expect(api.seen).toHaveLength(1);
  });

  it('protocol_status reads the run and every page of its steps, with terminal and the offered actions', async () => {
    const api = fakeApi({
      'GET /protocols/(\\d+)': (_r, [id]) => ({ body: run({ id: Number(id), status: 'completed' }) }),
      'GET /protocols/(\\d+)/steps': (request) =>
        request.query['cursor']
          ? { body: [step({ id: 2, step_index: 1, status: 'completed' })] }
          : { body: [step({ id: 1, step_index: 0, status: 'completed' })], headers: { 'X-Next-Cursor': 'c1' } },
    });
    const client = await open(api.client);
    const result = await client.callTool({ name: 'protocol_status', arguments: { protocol_id: 7 } });
    const summary = result.structuredContent as {
      protocol: { id: number };
      steps: { id: number }[];
      terminal: boolean;
    };
    expect(summary.protocol.id).toBe(7);
    expect(summary.steps.map((s) => s.id)).toEqual([1, 2]);
    expect(summary.terminal).toBe(true);
    expect(result.structuredContent).toMatchObject({ actions: [] });
  });

  it('run actions call their endpoint by protocol id', async () => {
    const api = fakeApi({
      'POST /protocols/(\\d+)/actions/(pause|resume|cancel)': (_r, [id, action]) => ({
        body: run({
          id: Number(id),
          status: action === 'pause' ? 'paused' : action === 'resume' ? 'running' : 'cancelled',
        }),
      }),
      'POST /protocols/(\\d+)/actions/(retry_latest|run_next_step|start)': () => ({ body: job('execute_step_job') }),
      'POST /steps/(\\d+)/actions/approve': (_r, [id]) => ({ body: step({ id: Number(id), status: 'completed' }) }),
    });
    const client = await open(api.client);
    for (const name of [
      'pause_protocol',
      'resume_protocol',
      'cancel_protocol',
      'retry_protocol',
      'run_next_step',
      'start_protocol',
    ]) {
      const result = await client.callTool({ name, arguments: { protocol_id: 3 } });
      expect([name, result.isError ?? false]).toEqual([name, false]);
    }
    const approved = await client.callTool({ name: 'approve_step', arguments: { step_id: 5 } });
    expect(approved.structuredContent).toMatchObject({ id: 5, status: 'completed' });
    expect(api.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /protocols/3/actions/pause',
      'POST /protocols/3/actions/resume',
      'POST /protocols/3/actions/cancel',
      'POST /protocols/3/actions/retry_latest',
      'POST /protocols/3/actions/run_next_step',
      'POST /protocols/3/actions/start',
      'POST /steps/5/actions/approve',
    ]);
  });

  it('step_log and step_diff answer text, saying so when empty', async () => {
    const api = fakeApi({
      'GET /steps/(\\d+)/log': () => ({ body: 'line 1\nline 2\n' }),
      'GET /steps/(\\d+)/diff': () => ({ body: '' }),
    });
    const client = await open(api.client);
    expect(text(await client.callTool({ name: 'step_log', arguments: { step_id: 4 } }))).toBe('line 1\nline 2\n');
    expect(text(await client.callTool({ name: 'step_diff', arguments: { step_id: 4 } }))).toBe('(no changes)');
  });

  it('recent_events reads a run, a project or everything, newest first, 20 by default', async () => {
    const api = fakeApi({
      'GET /protocols/(\\d+)/events': () => ({ body: [event({ id: 3 })] }),
      'GET /events': () => ({ body: [event({ id: 2 }), event({ id: 1 })] }),
    });
    const client = await open(api.client);
    const forRun = await client.callTool({ name: 'recent_events', arguments: { protocol_id: 7, limit: 5 } });
    expect(forRun.structuredContent).toMatchObject({ events: [{ id: 3 }] });
    const forProject = await client.callTool({ name: 'recent_events', arguments: { project_id: 1 } });
    expect(forProject.structuredContent).toMatchObject({ events: [{ id: 2 }, { id: 1 }] });
    expect(api.seen.map((r) => [r.path, r.query])).toEqual([
      ['/protocols/7/events', { limit: '5' }],
      ['/events', { project_id: '1', limit: '20' }],
    ]);
  });

  it('turns api failures into tool errors with the status and detail, and keeps serving', async () => {
    const api = fakeApi({
      'GET /protocols/(\\d+)': () => ({ status: 404, body: { detail: 'Protocol run not found' } }),
      'POST /protocols/(\\d+)/actions/pause': () => ({ status: 409, body: { detail: 'Run is completed' } }),
      'POST /projects': () => ({
        status: 422,
        body: { detail: [{ loc: ['body', 'git_url'], msg: 'Field required', type: 'missing' }] },
      }),
    });
    const client = await open(api.client);
    const missing = await client.callTool({ name: 'protocol_status', arguments: { protocol_id: 99 } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toBe('404 Not Found: Protocol run not found');
    const conflict = await client.callTool({ name: 'pause_protocol', arguments: { protocol_id: 1 } });
    expect([conflict.isError, text(conflict)]).toEqual([true, '409 Conflict: Run is completed']);
    const invalid = await client.callTool({ name: 'create_project', arguments: { name: 'x', git_url: ' x ' } });
    expect(text(invalid)).toContain('git_url: Field required');
    expect((await client.listTools()).tools.length).toBe(TOOLS.length);
  });

  it('turns an unreachable api into a tool error', async () => {
    const api = createClient({
      baseUrl: 'http://api.test',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const client = await open(api);
    const result = await client.callTool({ name: 'list_projects', arguments: {} });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/fetch failed/);
  });

  it('refuses bad arguments as tool errors before any api call', async () => {
    const api = fakeApi({});
    const client = await open(api.client);
    const cases: [string, Record<string, unknown>][] = [
      ['protocol_status', {}],
      ['protocol_status', { protocol_id: -1 }],
      ['protocol_status', { protocol_id: 'seven' }],
      ['step_log', { step_id: 1.5 }],
      ['create_project', { name: 'x' }],
      ['create_protocol', { project_id: 1, protocol_name: '' }],
      ['list_projects', { limit: 100_000 }],
    ];
    for (const [name, args] of cases) {
      const result = await client.callTool({ name, arguments: args });
      expect([name, args, result.isError]).toEqual([name, args, true]);
      expect(text(result)).toMatch(/Input validation error/);
    }
    const unknown = await client.callTool({ name: 'drop_database', arguments: {} });
    expect([unknown.isError, text(unknown)]).toEqual([true, 'MCP error -32602: Tool drop_database not found']);
    expect(api.seen).toEqual([]);
  });
});

describe('MCP server resources', () => {
  let client: Client;
  afterEach(async () => client.close());

  it('lists the run-summary and step-log templates, and recent runs as resources', async () => {
    client = await connect(
      fakeApi({
        'GET /projects': () => ({ body: [project({ id: 1, name: 'demo' })] }),
        'GET /projects/(\\d+)/protocols': () => ({
          body: [run({ id: 7, status: 'running', protocol_name: '0007-demo' })],
        }),
      }).client,
    );
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      'tasksgodzilla://protocols/{protocol_id}',
      'tasksgodzilla://steps/{step_id}/log',
    ]);
    const { resources } = await client.listResources();
    expect(resources).toEqual([
      expect.objectContaining({ uri: 'tasksgodzilla://protocols/7', name: 'demo/0007-demo' }),
    ]);
  });

  it('reads a run summary as JSON and a step log as text', async () => {
    client = await connect(
      fakeApi({
        'GET /protocols/(\\d+)': (_r, [id]) => ({ body: run({ id: Number(id), status: 'running' }) }),
        'GET /protocols/(\\d+)/steps': () => ({ body: [step({ id: 1, status: 'running' })] }),
        'GET /steps/(\\d+)/log': () => ({ body: 'hello from the engine\n' }),
      }).client,
    );
    const summary = await client.readResource({ uri: 'tasksgodzilla://protocols/7' });
    const content = summary.contents[0] as { mimeType: string; text: string };
    expect(content.mimeType).toBe('application/json');
    expect(JSON.parse(content.text)).toMatchObject({ protocol: { id: 7 }, steps: [{ id: 1 }], terminal: false });
    const log = await client.readResource({ uri: 'tasksgodzilla://steps/1/log' });
    expect(log.contents[0]).toMatchObject({ mimeType: 'text/plain', text: 'hello from the engine\n' });
  });

  it('answers MCP invalid-params errors for a bad id or a missing run', async () => {
    client = await connect(
      fakeApi({ 'GET /protocols/(\\d+)': () => ({ status: 404, body: { detail: 'Protocol run not found' } }) }).client,
    );
    await expect(client.readResource({ uri: 'tasksgodzilla://protocols/abc' })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('protocol_id must be a positive integer'),
    });
    await expect(client.readResource({ uri: 'tasksgodzilla://protocols/9' })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('404 Not Found: Protocol run not found'),
    });
    await expect(client.readResource({ uri: 'tasksgodzilla://nothing/1' })).rejects.toMatchObject({ code: -32602 });
  });
});
