import { createCodexEngine, createShellEngine, type Engine, type EngineRequest } from '@tasksgodzilla/platform-engines';
import { fakeCliOptions, readFakeArgv, useStepWorkspace } from '@tasksgodzilla/service-testing';
import { fingerprintText, type ExecFeedback } from '@tasksgodzilla/services-prompts';
import type { ExecuteStepInput } from '../src/index.js';
import { executeInput, executionService, settleQueuedPushes } from './harness.js';

const STEP = ['# 01 Build', '', 'Write the greeting.', '', '```sh', 'echo hello > hello.txt', '```', ''].join('\n');
const feedback: ExecFeedback = {
  attempt: 2,
  qa: {
    outcome: 'FAIL',
    reason: 'a check failed',
    failing_checks: [{ command: 'test -f greeting.txt', exit_code: 1, output_tail: 'greeting.txt: missing' }],
  },
};

/** The engine, with every request it gets recorded. */
function recording(engine: Engine): Engine & { requests: EngineRequest[] } {
  const requests: EngineRequest[] = [];
  return {
    ...engine,
    id: engine.id,
    displayName: engine.displayName,
    kind: engine.kind,
    defaultModel: engine.defaultModel,
    capabilities: engine.capabilities,
    requests,
    execute: (request) => {
      requests.push(request);
      return engine.execute(request);
    },
  };
}

describe('ExecutionService: feedback and session resume', () => {
  const suite = useStepWorkspace({ '01-build.md': STEP }, {}, { beforeRemove: settleQueuedPushes });
  const codex = () => recording(createCodexEngine(fakeCliOptions(suite.ws.dir.path, 'codex', 'success')));
  const service = (engine: Engine) => executionService(suite, [engine]);
  const input = (overrides: Partial<ExecuteStepInput> = {}) => executeInput(suite.ws, overrides);
  const stdin = () => readFakeArgv(suite.ws.dir.path).stdin;

  it('resumes the previous session of a resumable engine with only the feedback as the message', async () => {
    const engine = codex();
    const result = await service(engine).executeStep(
      input({ feedback, resume: { session_id: 'sess-1', engine_id: 'codex' } }),
    );
    expect(engine.requests).toHaveLength(1);
    expect(engine.requests[0]!.resumeSessionId).toBe('sess-1');
    expect(engine.requests[0]!.prompt.startsWith('Your previous attempt at 01-build.md did not pass.')).toBe(true);
    expect(engine.requests[0]!.prompt).toContain('greeting.txt: missing');
    expect(engine.requests[0]!.prompt).not.toContain('plan.md:');
    expect(stdin()).toBe(engine.requests[0]!.prompt);
    expect(result.metadata).toMatchObject({
      resumed_session_id: 'sess-1',
      prompt_fingerprint: fingerprintText(engine.requests[0]!.prompt),
    });
  });

  it('starts fresh with the full prompt and the feedback section otherwise', async () => {
    const cases: Partial<ExecuteStepInput>[] = [
      { feedback, resume: null },
      { feedback, resume: { session_id: 'sess-1', engine_id: 'claude-code' } },
      { feedback: null, resume: { session_id: 'sess-1', engine_id: 'codex' } },
    ];
    for (const overrides of cases) {
      const engine = codex();
      const result = await service(engine).executeStep(input(overrides));
      const request = engine.requests[0]!;
      expect(request.resumeSessionId ?? null).toBeNull();
      expect(request.prompt).toContain('Write the greeting.');
      expect(request.prompt.includes('## What went wrong last time')).toBe(Boolean(overrides.feedback));
      expect(result.metadata).toMatchObject({
        resumed_session_id: null,
        prompt_fingerprint: fingerprintText(request.prompt),
      });
    }
  });

  it('an engine that cannot resume gets the full prompt with the feedback', async () => {
    const shell = recording(createShellEngine({ killGraceMs: 200 }));
    const plan = await service(shell).buildExecutionPlan(
      input({ feedback, resume: { session_id: 's', engine_id: 'shell' } }),
    );
    expect(plan.resume_session_id).toBeNull();
    expect(plan.prompt).toContain('## What went wrong last time');
    expect(plan.prompt).toContain('`test -f greeting.txt` exited 1');
  });
});
