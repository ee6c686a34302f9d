import { startModelServer, type ModelServer } from './model-server.js';

async function post(server: ModelServer, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

const dataLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice(6))
    .filter((line) => line !== '[DONE]')
    .map((line) => JSON.parse(line));

describe('stand-in model server', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer();
  });
  afterAll(() => server.close());

  it('Anthropic Messages SSE: a Bash tool_use, then the final text; a request without tools does not move the script', async () => {
    server.reset([
      { kind: 'shell', command: 'echo hi > a.txt' },
      { kind: 'text', text: 'Done writing.' },
    ]);
    const tools = [
      {
        name: 'Bash',
        input_schema: { type: 'object', properties: { command: { type: 'string' }, description: { type: 'string' } } },
      },
    ];
    const title = await post(server, '/v1/messages', { model: 'm', stream: false, messages: [] });
    expect(JSON.parse(title.text).content[0]).toEqual({ type: 'text', text: 'Contract run' });
    const first = dataLines(
      (await post(server, '/v1/messages', { model: 'm', stream: true, tools, messages: [] })).text,
    );
    expect(first.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(first[1].content_block).toMatchObject({ type: 'tool_use', name: 'Bash' });
    expect(JSON.parse(first[2].delta.partial_json)).toEqual({
      command: 'echo hi > a.txt',
      description: 'Run a command',
    });
    expect(first[4].delta.stop_reason).toBe('tool_use');
    const second = dataLines(
      (await post(server, '/v1/messages', { model: 'm', stream: true, tools, messages: [] })).text,
    );
    expect(second[2].delta).toEqual({ type: 'text_delta', text: 'Done writing.' });
    expect(server.requests.map((r) => r.auxiliary)).toEqual([true, false, false]);
  });

  it('OpenAI Responses SSE: exec_command call with cmd, then a message and response.completed with usage', async () => {
    server.reset([
      { kind: 'shell', command: 'ls' },
      { kind: 'text', text: 'Listed.' },
    ]);
    const tools = [
      {
        type: 'function',
        name: 'exec_command',
        parameters: { type: 'object', properties: { cmd: { type: 'string' } } },
      },
    ];
    const call = dataLines((await post(server, '/v1/responses', { model: 'm', stream: true, tools, input: [] })).text);
    const done = call.find((e) => e.type === 'response.output_item.done');
    expect(done.item).toMatchObject({
      type: 'function_call',
      name: 'exec_command',
      arguments: JSON.stringify({ cmd: 'ls' }),
    });
    const text = dataLines((await post(server, '/v1/responses', { model: 'm', stream: true, tools, input: [] })).text);
    expect(text.at(-1)).toMatchObject({
      type: 'response.completed',
      response: { usage: { input_tokens: 12, output_tokens: 7 } },
    });
    expect(text.find((e) => e.type === 'response.output_item.done').item.content[0].text).toBe('Listed.');
  });

  it('OpenAI chat completions SSE: bash tool call, then text; sticky HTTP errors for agent requests only', async () => {
    server.reset([
      { kind: 'shell', command: 'pwd' },
      { kind: 'error', status: 500, message: 'boom' },
    ]);
    const tools = [
      {
        type: 'function',
        function: {
          name: 'bash',
          parameters: { type: 'object', properties: { command: { type: 'string' }, description: { type: 'string' } } },
        },
      },
    ];
    const call = dataLines(
      (await post(server, '/v1/chat/completions', { model: 'm', stream: true, tools, messages: [] })).text,
    );
    expect(call[0].choices[0].delta.tool_calls[0].function).toMatchObject({
      name: 'bash',
      arguments: JSON.stringify({ command: 'pwd', description: 'Run a command' }),
    });
    expect(call[1].choices[0].finish_reason).toBe('tool_calls');
    for (let i = 0; i < 2; i += 1) {
      const failed = await post(server, '/v1/chat/completions', { model: 'm', stream: true, tools, messages: [] });
      expect(failed).toEqual({
        status: 500,
        text: JSON.stringify({ error: { message: 'boom', type: 'api_error', code: 'api_error' } }),
      });
    }
    expect((await post(server, '/v1/chat/completions', { model: 'm', stream: false, messages: [] })).status).toBe(200);
  });

  it('json steps use a structured-output tool when offered, else JSON text; a missing shell tool is a clear error', async () => {
    server.reset([
      { kind: 'json', value: { a: 1 } },
      { kind: 'json', value: { b: 2 } },
      { kind: 'shell', command: 'x', ifNoShellTool: 'no shell' },
      { kind: 'shell', command: 'x' },
    ]);
    const withTool = dataLines(
      (
        await post(server, '/v1/messages', {
          stream: true,
          tools: [{ name: 'StructuredOutput', input_schema: {} }],
          messages: [],
        })
      ).text,
    );
    expect(withTool[1].content_block).toMatchObject({ type: 'tool_use', name: 'StructuredOutput' });
    const plain = dataLines(
      (await post(server, '/v1/messages', { stream: true, tools: [{ name: 'Read', input_schema: {} }], messages: [] }))
        .text,
    );
    expect(plain[2].delta.text).toBe('{"b":2}');
    const fallback = dataLines(
      (await post(server, '/v1/messages', { stream: true, tools: [{ name: 'Read', input_schema: {} }], messages: [] }))
        .text,
    );
    expect(fallback[2].delta.text).toBe('no shell');
    const missing = await post(server, '/v1/messages', {
      stream: true,
      tools: [{ name: 'Read', input_schema: {} }],
      messages: [],
    });
    expect(missing.status).toBe(500);
    expect(missing.text).toContain('no shell tool among: Read');
  });
});
