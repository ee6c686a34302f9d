import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BAD_TOOL_CALLS, runMcpTemplateFlow } from '@tasksgodzilla/testing/mcp-flow';
import { CLI_MAIN, DEMO_TEMPLATE, ROOT, createOrigin, startApi, type ApiProcess } from './e2e.test-helpers.js';

// `tgz mcp` as an MCP client launches it: the built cli spawned by the SDK's stdio transport, against
// the built api (inline worker, temp SQLite, shell engine).

let api: ApiProcess;
let client: Client;
let transport: StdioClientTransport;
let stderr = '';

beforeAll(async () => {
  api = await startApi();
  transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI_MAIN, 'mcp', '--api-base', api.base],
    env: Object.fromEntries(Object.entries(api.env).filter((e): e is [string, string] => e[1] !== undefined)),
    cwd: ROOT,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  client = new Client({ name: 'tgz-mcp-e2e', version: '1.0.0' });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  await api?.stop();
});

describe('tgz mcp over stdio', () => {
  it('lists the tools and resource templates', async () => {
    expect(client.getServerVersion()?.name).toBe('tasksgodzilla');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['create_project', 'create_protocol', 'protocol_status', 'step_log', 'recent_events']),
    );
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('tasksgodzilla://steps/{step_id}/log');
    expect(stderr).toContain(`serving the Model Context Protocol on stdio over ${api.base}`);
  });

  it('creates a protocol from the demo template with auto-advance, waits for it, and reads a step log', async () => {
    const flow = await runMcpTemplateFlow(client, {
      gitUrl: createOrigin(api.work, api.env),
      template: DEMO_TEMPLATE,
      name: '0001-mcp-stdio',
      projectName: 'mcp-stdio',
    });
    expect(flow.summary.protocol.status).toBe('completed');
    expect(flow.summary.steps.map((s) => [s.step_name, s.status])).toEqual([
      ['00-setup.md', 'completed'],
      ['01-script.md', 'completed'],
      ['02-test.md', 'completed'],
    ]);
    expect(flow.log).toContain('qa check passed: exit 0');
    expect(flow.log).toContain('test -d src && test -d test');
    expect(flow.logResource).toBe(flow.log);
    expect(flow.summaryResource.protocol.status).toBe('completed');
    const events = await client.callTool({
      name: 'recent_events',
      arguments: { protocol_id: flow.summary.protocol.id, limit: 5 },
    });
    expect((events.structuredContent as { events: unknown[] }).events).toHaveLength(5);
  });

  it('answers bad arguments with MCP tool errors and keeps serving', async () => {
    for (const [name, args] of BAD_TOOL_CALLS) {
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      expect([name, result.isError]).toEqual([name, true]);
    }
    const missing = (await client.callTool({ name: 'step_diff', arguments: { step_id: 99_999 } })) as CallToolResult;
    expect(missing).toMatchObject({ isError: true, content: [{ text: '404 Not Found: Step not found' }] });
    await expect(client.readResource({ uri: 'tasksgodzilla://protocols/99999' })).rejects.toMatchObject({
      code: -32602,
    });
    expect((await client.listTools()).tools.length).toBeGreaterThan(10);
  });
});
