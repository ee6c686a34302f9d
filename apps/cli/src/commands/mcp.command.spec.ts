import { PassThrough } from 'node:stream';
import { DEFAULTS, PROJECT, fakeApi, json, run } from '../cli.test-helpers.js';

const line = (message: unknown) => `${JSON.stringify(message)}\n`;

describe('tgz mcp', () => {
  it('serves MCP over stdio through the command client (with the global token), until stdin ends', async () => {
    const api = fakeApi({ 'GET /projects': () => json([PROJECT]) });
    const stdin = new PassThrough();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON-RPC answers read by path
    const answers: any[] = [];
    let stderr = '';
    let answered: () => void = () => undefined;
    const twoAnswers = new Promise<void>((resolve) => (answered = resolve));
    const io = {
      stdin,
      stdout: {
        write: (chunk: string) => {
          for (const text of chunk.split('\n').filter(Boolean)) answers.push(JSON.parse(text));
          if (answers.length === 2) answered();
          return true;
        },
      },
      stderr: { write: (chunk: string) => ((stderr += chunk), true) },
    };
    const exited = run(['mcp', '--token', 'sekrit'], { fetch: api.fetch, io, defaults: DEFAULTS });
    stdin.write(
      line({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'spec', version: '1' } },
      }),
    );
    stdin.write(line({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    stdin.write(
      line({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_projects', arguments: {} } }),
    );
    await twoAnswers;
    stdin.end();
    expect((await exited).code).toBe(0);
    expect(answers[0]!.result.serverInfo.name).toBe('tasksgodzilla');
    expect(answers[1]!.result.structuredContent.items[0].name).toBe('demo');
    expect(api.requests.map((r) => [r.url.pathname, r.headers['authorization']])).toEqual([
      ['/projects', 'Bearer sekrit'],
    ]);
    expect(stderr).toContain('serving the Model Context Protocol on stdio over http://api.test:8010');
  });

  it('fails with a message when there is no standard input', async () => {
    const result = await run(['mcp']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('tgz mcp needs a standard input');
  });
});
