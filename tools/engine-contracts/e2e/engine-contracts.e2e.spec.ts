import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent, EngineOperation, EngineRequest, EngineResult } from '@tasksgodzilla/platform-engines';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import { ensureCli, engineClisCacheDir, type InstalledCli } from '../src/cli-install.js';
import { createCliSandbox, type CliSandbox } from '../src/cli-sandbox.js';
import { EXPECTED, type CliExpectations } from '../src/expectations.js';
import { startModelServer, type ModelServer, type ScriptStep } from '../src/model-server.js';
import { PINNED_CLIS } from '../src/pinned-versions.js';

// Limits well under the 300 s default but over a CLI's silent start-up on a busy machine (opencode
// prints nothing for several seconds while it sets up its database); nothing here is timed.
const STALL_MS = 60_000;
const HANG_STALL_MS = 30_000;
const TIMEOUT_MS = 170_000;

interface Run {
  result: EngineResult;
  events: EngineEvent[];
  workingDir: string;
  log: string;
}

describe.each(PINNED_CLIS.map((cli) => [`${cli.engineId} ${cli.version} (${cli.packageName})`, cli] as const))(
  '%s against the stand-in model server',
  (_title, pinned) => {
    const expected: CliExpectations = EXPECTED[pinned.engineId];
    let cli: InstalledCli;
    let server: ModelServer;
    let sandbox: CliSandbox;
    const dirs: TempDir[] = [];

    beforeAll(async () => {
      // Fails loudly (never skips) when npm or the CLI does not work.
      cli = await ensureCli(pinned, engineClisCacheDir(process.env));
      server = await startModelServer();
      sandbox = createCliSandbox(cli, server.url, { killGraceMs: 1_000, maxProviderErrors: 3 });
    }, 900_000);

    afterAll(async () => {
      sandbox?.remove();
      await server?.close();
      for (const dir of dirs) dir.remove();
    });

    async function run(
      operation: EngineOperation,
      script: ScriptStep[],
      request: Partial<EngineRequest> = {},
      env: Record<string, string> = {},
    ): Promise<Run> {
      server.reset(script);
      const dir = createTempDir('tgz-contract-wd-');
      const logDir = createTempDir('tgz-contract-log-');
      dirs.push(dir, logDir);
      const workingDir = request.workingDir ?? dir.path;
      const logPath = join(logDir.path, 'run.log');
      const events: EngineEvent[] = [];
      const result = await sandbox.engine.run(operation, {
        prompt: 'Contract scenario.',
        workingDir,
        logPath,
        stallTimeoutMs: STALL_MS,
        timeoutMs: TIMEOUT_MS,
        onEvent: (event) => events.push(event),
        ...request,
        env: { ...sandbox.env, ...env },
      });
      const log = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
      return { result, events, workingDir, log };
    }

    const agentRequests = () => server.requests.filter((r) => !r.auxiliary);
    /** Fails with the run's reason, errors and log tail, so a version bump says what broke. */
    const expectOutcome = (r: Run, outcome: EngineResult['outcome']) => {
      if (r.result.outcome === outcome) return;
      throw new Error(
        `${pinned.packageName}@${pinned.version}: expected outcome ${outcome}, got ${r.result.outcome}\nreason: ${r.result.reason}\nerrors: ${JSON.stringify(r.result.errors)}\nwarnings: ${JSON.stringify(r.result.warnings)}\nlog tail:\n${r.log.slice(-3000)}`,
      );
    };

    it('the installed binary is the pinned version', () => {
      expect(cli.versionOutput).toContain(pinned.version);
    });

    it("plan: succeeded with the model's answer as final message; no --model sent, the model reported", async () => {
      const r = await run('plan', [{ kind: 'text', text: 'PLAN: 1. write hello.txt 2. test it' }], {
        prompt: 'Plan the work.',
      });
      expectOutcome(r, 'succeeded');
      expect(r.result.final_message).toContain('PLAN: 1. write hello.txt');
      expect(r.result.session_id).toEqual(expect.any(String));
      // The model the CLI chose itself; Claude Code names it in its init event, the others do not.
      expect(r.result.model).toBe(expected.reportsModel ? agentRequests()[0]?.body['model'] : null);
      expect(r.log).not.toMatch(/\s--model\s/);
      expect(agentRequests().length).toBeGreaterThan(0);
    });

    it('plan with an output schema: structured_output is the object', async () => {
      const schema = {
        type: 'object',
        properties: { steps: { type: 'array', items: { type: 'string' } } },
        required: ['steps'],
        additionalProperties: false,
      };
      const r = await run('plan', [{ kind: 'json', value: { steps: ['write hello.txt', 'test it'] } }], {
        prompt: 'Plan the work as JSON.',
        outputSchema: schema,
      });
      expectOutcome(r, 'succeeded');
      expect(r.result.structured_output).toEqual({ steps: ['write hello.txt', 'test it'] });
      if (expected.schemaInRequest) expect(agentRequests()[0]?.raw).toContain('"steps"');
    });

    it('execute: the CLI runs the shell tool the model calls and the file is written', async () => {
      const r = await run('execute', [
        { kind: 'shell', command: `printf 'hello from ${pinned.engineId}\\n' > hello.txt` },
        { kind: 'text', text: 'Wrote hello.txt.' },
      ]);
      expectOutcome(r, 'succeeded');
      expect(readFileSync(join(r.workingDir, 'hello.txt'), 'utf8')).toBe(`hello from ${pinned.engineId}\n`);
      expect(r.events.some((e) => e.type === 'tool' && e.phase === 'end')).toBe(true);
      expect(r.result.final_message).toBe('Wrote hello.txt.');
    });

    it(`danger-full-access${process.getuid?.() === 0 ? ' as root' : ''}: the CLI starts and the file is written`, async () => {
      // As root Claude Code refuses bypassPermissions; the adapter then pre-approves every tool instead.
      const r = await run(
        'execute',
        [
          { kind: 'shell', command: 'printf full > full.txt' },
          { kind: 'text', text: 'Wrote full.txt.' },
        ],
        { sandbox: 'danger-full-access' },
      );
      expectOutcome(r, 'succeeded');
      expect(readFileSync(join(r.workingDir, 'full.txt'), 'utf8')).toBe('full');
    });

    it('read-only: a write attempt creates no file', async () => {
      const r = await run(
        'execute',
        [
          { kind: 'shell', command: 'printf new > created.txt', ifNoShellTool: 'No shell tool was offered.' },
          { kind: 'text', text: 'Tried to write.' },
        ],
        { sandbox: 'read-only' },
      );
      expect(existsSync(join(r.workingDir, 'created.txt'))).toBe(false);
      expectOutcome(r, expected.readOnlyWriteOutcome);
      // Whether the CLI offers its shell tool at all in a read-only run (opencode drops denied tools).
      expect(
        agentRequests()[0]?.toolNames.some((name) => ['Bash', 'bash', 'exec_command', 'shell'].includes(name)),
      ).toBe(expected.readOnlyOffersShell);
    });

    it('HTTP 401: failed fast with a reason naming the authentication error (not a stall or timeout)', async () => {
      const r = await run('execute', [{ kind: 'error', status: 401, message: 'invalid x-api-key (contract)' }], {});
      expectOutcome(r, 'failed');
      expect(r.result.reason).toMatch(expected.http401Reason);
    });

    it('HTTP 500: failed, the reason says what went wrong', async () => {
      const r = await run(
        'execute',
        [{ kind: 'error', status: 500, message: 'upstream exploded (contract)' }],
        {},
        expected.http500Env,
      );
      expectOutcome(r, 'failed');
      expect(r.result.reason).toMatch(expected.http500Reason);
    });

    it('a model that never answers: stopped by the stall watchdog', async () => {
      const r = await run('execute', [{ kind: 'hang' }], { stallTimeoutMs: HANG_STALL_MS });
      expectOutcome(r, 'stalled');
      // The silence was the model call's, not the CLI's start-up.
      expect(agentRequests().length).toBeGreaterThan(0);
    });

    it('a prompt over 100 kB reaches the model whole', async () => {
      const prompt = `Read all of this and reply.\n${'lorem ipsum '.repeat(10_000)}\nEND-OF-LONG-PROMPT-7f3a`;
      expect(prompt.length).toBeGreaterThan(100_000);
      const r = await run('execute', [{ kind: 'text', text: 'Read it all.' }], { prompt });
      expectOutcome(r, 'succeeded');
      expect(agentRequests().some((req) => req.raw.includes('END-OF-LONG-PROMPT-7f3a'))).toBe(true);
    });

    it('resume: the second run continues the first session; its request carries the earlier conversation', async () => {
      const first = await run('execute', [{ kind: 'text', text: 'First answer ALPHA-41.' }], {
        prompt: 'First message ONE-17.',
      });
      expectOutcome(first, 'succeeded');
      const sessionId = first.result.session_id;
      expect(sessionId).toEqual(expect.any(String));
      const second = await run('execute', [{ kind: 'text', text: 'Second answer BETA-42.' }], {
        prompt: 'Second message TWO-23.',
        resumeSessionId: sessionId,
        workingDir: first.workingDir,
      });
      expectOutcome(second, 'succeeded');
      expect(second.result.final_message).toBe('Second answer BETA-42.');
      const request = agentRequests()[0]?.raw ?? '';
      expect(request).toContain('First message ONE-17.');
      expect(request).toContain('First answer ALPHA-41.');
      expect(request).toContain('Second message TWO-23.');
      expect(second.result.session_id).toBe(sessionId);
    });
  },
);
