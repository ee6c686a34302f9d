import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One scripted model turn. `text`, `shell` and `json` answer one agent request and move the script
 * on; `error` and `hang` are sticky: once reached, every later agent request (retries included) gets
 * them. Auxiliary requests (no tools: session titles, quota probes) always get a short text.
 */
export type ScriptStep =
  | { kind: 'text'; text: string }
  /** Calls the CLI's own shell tool with this command; answers `ifNoShellTool` as text when the CLI offers none. */
  | { kind: 'shell'; command: string; ifNoShellTool?: string }
  /** A structured answer: through the CLI's structured-output tool when it offers one, else as JSON text. */
  | { kind: 'json'; value: Record<string, unknown> }
  | { kind: 'error'; status: number; message: string }
  /** Accepts the request and never answers. */
  | { kind: 'hang' };

export type ModelApi = 'anthropic-messages' | 'openai-responses' | 'openai-chat';

export interface RecordedRequest {
  api: ModelApi;
  path: string;
  /** Requests without tools (titles, quota probes) do not move the script. */
  auxiliary: boolean;
  /** Names of the tools the CLI offered the model. */
  toolNames: string[];
  body: Record<string, unknown>;
  /** The whole request body as text, for "does the resumed run carry the earlier conversation". */
  raw: string;
}

export interface ModelServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replaces the script and forgets recorded requests. */
  reset(script: ScriptStep[]): void;
  close(): Promise<void>;
}

export const STAND_IN_MODEL = 'contract-model';
const AUX_TEXT = 'Contract run';

type Tool = { name: string; parameters: Record<string, unknown> };

function toolsOf(api: ModelApi, body: Record<string, unknown>): Tool[] {
  const tools = Array.isArray(body['tools']) ? (body['tools'] as Record<string, unknown>[]) : [];
  return tools.map((tool) => {
    const fn = (tool['function'] ?? tool) as Record<string, unknown>;
    const params = (api === 'anthropic-messages' ? tool['input_schema'] : fn['parameters']) as
      | Record<string, unknown>
      | undefined;
    return { name: String(fn['name'] ?? tool['type'] ?? ''), parameters: params ?? {} };
  });
}

const SHELL_TOOL_NAMES = ['Bash', 'bash', 'shell', 'exec_command', 'local_shell', 'shell_command'];
const STRUCTURED_OUTPUT_TOOL = /^structured_?output$/i;

/** The CLI's shell tool and the arguments that run `command` with it. */
function shellCall(tools: Tool[], command: string): { name: string; input: Record<string, unknown> } | null {
  const tool = SHELL_TOOL_NAMES.map((name) => tools.find((t) => t.name === name)).find(Boolean);
  if (!tool) return null;
  const props = (tool.parameters['properties'] ?? {}) as Record<string, { type?: string }>;
  const input: Record<string, unknown> = {};
  if (props['cmd']) input['cmd'] = command;
  else if (props['command']?.type === 'array') input['command'] = ['bash', '-lc', command];
  else input['command'] = command;
  if (props['description']) input['description'] = 'Run a command';
  if (props['workdir'] && tool.name !== 'exec_command') delete input['workdir'];
  return { name: tool.name, input };
}

function sse(res: ServerResponse, events: [string | null, unknown][]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'close' });
  for (const [name, data] of events) {
    res.write(`${name ? `event: ${name}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }
  res.end();
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}_${(counter += 1)}`;

function anthropicReply(
  res: ServerResponse,
  body: Record<string, unknown>,
  reply: { text: string } | { tool: string; input: Record<string, unknown> },
): void {
  const model = String(body['model'] ?? STAND_IN_MODEL);
  const usage = { input_tokens: 12, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const block =
    'text' in reply
      ? { type: 'text', text: reply.text }
      : { type: 'tool_use', id: nextId('toolu'), name: reply.tool, input: reply.input };
  const stopReason = 'text' in reply ? 'end_turn' : 'tool_use';
  if (body['stream'] !== true) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: nextId('msg'),
        type: 'message',
        role: 'assistant',
        model,
        content: [block],
        stop_reason: stopReason,
        stop_sequence: null,
        usage,
      }),
    );
    return;
  }
  const start = 'text' in reply ? { type: 'text', text: '' } : { ...block, input: {} };
  const delta =
    'text' in reply
      ? { type: 'text_delta', text: reply.text }
      : { type: 'input_json_delta', partial_json: JSON.stringify(reply.input) };
  sse(res, [
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          id: nextId('msg'),
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      },
    ],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: start }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    [
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      },
    ],
    ['message_stop', { type: 'message_stop' }],
  ]);
}

function responsesReply(
  res: ServerResponse,
  body: Record<string, unknown>,
  reply: { text: string } | { tool: string; input: Record<string, unknown> },
): void {
  const id = nextId('resp');
  const model = String(body['model'] ?? STAND_IN_MODEL);
  const item =
    'text' in reply
      ? {
          type: 'message',
          id: nextId('msg'),
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: reply.text, annotations: [] }],
        }
      : {
          type: 'function_call',
          id: nextId('fc'),
          call_id: nextId('call'),
          name: reply.tool,
          arguments: JSON.stringify(reply.input),
          status: 'completed',
        };
  const usage = {
    input_tokens: 12,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 7,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 19,
  };
  sse(res, [
    [
      'response.created',
      { type: 'response.created', response: { id, object: 'response', model, status: 'in_progress', output: [] } },
    ],
    [
      'response.output_item.added',
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { ...item, ...('content' in item ? { content: [] } : { arguments: '' }), status: 'in_progress' },
      },
    ],
    ...('text' in reply
      ? ([
          [
            'response.output_text.delta',
            {
              type: 'response.output_text.delta',
              item_id: item.id,
              output_index: 0,
              content_index: 0,
              delta: reply.text,
            },
          ],
        ] as [string, unknown][])
      : []),
    ['response.output_item.done', { type: 'response.output_item.done', output_index: 0, item }],
    [
      'response.completed',
      {
        type: 'response.completed',
        response: { id, object: 'response', model, status: 'completed', output: [item], usage },
      },
    ],
  ]);
}

function chatReply(
  res: ServerResponse,
  body: Record<string, unknown>,
  reply: { text: string } | { tool: string; input: Record<string, unknown> },
): void {
  const id = nextId('chatcmpl');
  const model = String(body['model'] ?? STAND_IN_MODEL);
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: unknown, finish: string | null, extra: Record<string, unknown> = {}) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });
  const usage = { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 };
  const first =
    'text' in reply
      ? chunk({ role: 'assistant', content: reply.text }, null)
      : chunk(
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                index: 0,
                id: nextId('call'),
                type: 'function',
                function: { name: reply.tool, arguments: JSON.stringify(reply.input) },
              },
            ],
          },
          null,
        );
  if (body['stream'] !== true) {
    const message =
      'text' in reply
        ? { role: 'assistant', content: reply.text }
        : {
            role: 'assistant',
            content: null,
            tool_calls: (first.choices[0]?.delta as { tool_calls: unknown }).tool_calls,
          };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, finish_reason: 'text' in reply ? 'stop' : 'tool_calls' }],
        usage,
      }),
    );
    return;
  }
  sse(res, [
    [null, first],
    [null, chunk({}, 'text' in reply ? 'stop' : 'tool_calls', { usage })],
    [null, '[DONE]'],
  ]);
}

function errorReply(res: ServerResponse, api: ModelApi, step: { status: number; message: string }): void {
  const type =
    step.status === 401
      ? 'authentication_error'
      : step.status === 403
        ? 'permission_error'
        : step.status === 429
          ? 'rate_limit_error'
          : 'api_error';
  const payload =
    api === 'anthropic-messages'
      ? { type: 'error', error: { type, message: step.message } }
      : { error: { message: step.message, type, code: type } };
  res.writeHead(step.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

function apiOf(path: string): ModelApi | null {
  if (path.endsWith('/messages')) return 'anthropic-messages';
  if (path.endsWith('/responses')) return 'openai-responses';
  if (path.endsWith('/chat/completions')) return 'openai-chat';
  return null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A stand-in model server on 127.0.0.1 that speaks the Anthropic Messages API (SSE), the OpenAI
 * Responses API (SSE) and OpenAI chat completions (SSE), answering from a per-scenario script.
 */
export async function startModelServer(): Promise<ModelServer> {
  let script: ScriptStep[] = [];
  let position = 0;
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: [{ id: STAND_IN_MODEL, object: 'model', type: 'model', display_name: STAND_IN_MODEL }],
          models: [],
        }),
      );
      return;
    }
    const api = req.method === 'POST' ? apiOf(path) : null;
    const raw = await readBody(req);
    if (!api) {
      if (path.endsWith('/count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: 12 }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `stand-in model server: no route ${req.method} ${path}` } }));
      return;
    }
    const body = JSON.parse(raw || '{}') as Record<string, unknown>;
    const tools = toolsOf(api, body);
    const auxiliary = tools.length === 0;
    requests.push({ api, path, auxiliary, toolNames: tools.map((t) => t.name), body, raw });
    const current = script[position];
    if (current?.kind === 'error' && !auxiliary) return errorReply(res, api, current);
    if (current?.kind === 'hang' && !auxiliary) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    let reply: { text: string } | { tool: string; input: Record<string, unknown> } = { text: AUX_TEXT };
    if (!auxiliary) {
      if (!current) reply = { text: 'Done.' };
      else if (current.kind === 'text') reply = { text: current.text };
      else if (current.kind === 'json') {
        const tool = tools.find((t) => STRUCTURED_OUTPUT_TOOL.test(t.name));
        reply = tool ? { tool: tool.name, input: current.value } : { text: JSON.stringify(current.value) };
      } else if (current.kind === 'shell') {
        const call = shellCall(tools, current.command);
        if (call) reply = { tool: call.name, input: call.input };
        else if (current.ifNoShellTool !== undefined) reply = { text: current.ifNoShellTool };
        else throw new Error(`no shell tool among: ${tools.map((t) => t.name).join(', ')}`);
      }
      position += 1;
    }
    if (api === 'anthropic-messages') anthropicReply(res, body, reply);
    else if (api === 'openai-responses') responsesReply(res, body, reply);
    else chatReply(res, body, reply);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.end();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `stand-in model server: ${error instanceof Error ? error.message : String(error)}` },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reset(next) {
      script = next;
      position = 0;
      requests.length = 0;
      for (const res of hanging) res.destroy();
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
