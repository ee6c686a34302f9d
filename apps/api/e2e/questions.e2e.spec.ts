import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stepQuestion, type TasksGodzillaClient } from '@tasksgodzilla/client';
import { createTempDir, createTestRepo, git, type TempDir, type TestRepo } from '@tasksgodzilla/testing';
import {
  FAKE_CODEX,
  FAKE_CODEX_SESSION,
  codexFixtureSaying,
  onboardedProject,
  recordedCalls,
  runWaiter,
  startAgentApi,
  writeTemplate,
} from './agent-run.test-helpers.js';
import type { AppProcess } from './processes.test-helpers.js';
import { createContractWatch } from '../src/contract-watch.test-helpers.js';

// Issue 14 §4 through the built api (inline worker): an agent (a fake codex) that asks a question on its
// first attempt, the step waiting in needs_input with the question, a person answering over the api, and
// the next attempt getting the answer in its prompt and completing the step and the run.

const API_TOKEN = 'questions-e2e-token';
const QUESTION = 'Which greeting should greeting.txt hold: hello or hi?';
const ANSWER = 'Write hello, in lower case.';

/**
 * A `codex` whose first execution asks a question (its final message ends with a NEEDS_INPUT: block)
 * and whose later executions write greeting.txt; every execution's argv and stdin are kept
 * (`exec-N.json`). QA reviews (read-only runs) answer PASS and are not counted.
 */
function writeAskingCodex(dir: string, calls: string): string {
  const asks = codexFixtureSaying(
    dir,
    'asks',
    `I can write the file, but the step does not say which greeting.\n\nNEEDS_INPUT: ${QUESTION}`,
  );
  const passes = codexFixtureSaying(dir, 'qa-pass', 'Looks right.\n\nVerdict: PASS');
  const node = process.execPath;
  const script = [
    '#!/bin/sh',
    `case " $* " in *" --version "*) exec "${node}" "${FAKE_CODEX}" --version ;; esac`,
    `case " $* " in *" read-only "*) FAKE_ENGINE_FIXTURE="${passes}" exec "${node}" "${FAKE_CODEX}" "$@" ;; esac`,
    `n=$(( $(ls "${calls}" | grep -c '^exec-') + 1 ))`,
    'cwd="$PWD"; last=""',
    'for arg in "$@"; do [ "$last" = "--cd" ] && cwd="$arg"; last="$arg"; done',
    `fixture="${asks}"`,
    'if [ "$n" -gt 1 ]; then fixture=success; echo hello > "$cwd/greeting.txt"; fi',
    `FAKE_ENGINE_FIXTURE="$fixture" FAKE_ENGINE_ARGV_FILE="${calls}/exec-$n.json" "${node}" "${FAKE_CODEX}" "$@"`,
    '',
  ];
  const path = join(dir, 'codex');
  writeFileSync(path, script.join('\n'));
  chmodSync(path, 0o755);
  return path;
}

describe('a question to a person mid-run, end to end (built api, fake codex)', () => {
  let dir: TempDir;
  let repo: TestRepo;
  let api: AppProcess;
  let client: TasksGodzillaClient;
  let callsDir: string;
  const contract = createContractWatch();

  const executions = () => recordedCalls(callsDir, 'exec');
  const events = async (id: number) => (await client.listProtocolEvents(id, { limit: 500 })).items;
  const until = runWaiter(
    () => client,
    () => api,
  );

  beforeAll(async () => {
    dir = createTempDir('tgz-e2e-questions-');
    repo = createTestRepo(join(dir.path, 'git'));
    callsDir = join(dir.path, 'calls');
    mkdirSync(callsDir);
    ({ api, client } = await startAgentApi({
      dir: dir.path,
      codexBin: writeAskingCodex(dir.path, callsDir),
      token: API_TOKEN,
      fetch: contract.fetch,
    }));
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    dir?.remove();
    contract.assertAllReported();
  }, 120_000);

  it('the step asks, waits in needs_input with the question, is answered over the api, and completes with the answer in its prompt', async () => {
    const project = await onboardedProject(client, {
      name: 'questions',
      git_url: repo.originPath,
      local_path: repo.path,
    });
    const template = writeTemplate(dir.path, '# Plan\n\nGreet.\n', {
      '01-greet.md':
        '# 01 - Greet\n\nWrite `greeting.txt` with a greeting.\n\n```checks\ngrep -q hello greeting.txt\n```\n',
    });
    const body = { protocol_name: '0001-greet', template, engine_id: 'codex', auto_advance: true };
    const created = await client.createProtocol(project.id, body);
    await client.startProtocol(created.id);

    // Attempt 1 asks: the step waits with the question, the run stays running, nothing is committed.
    const [greet] = await until(
      created.id,
      async () => (await client.listSteps(created.id, { limit: 10 })).items,
      (steps) => steps.some((s) => s.status === 'needs_input'),
      'the step waiting for an answer',
    );
    expect(greet).toMatchObject({ step_name: '01-greet.md', status: 'needs_input' });
    const waiting = await client.getStep(greet!.id);
    expect(stepQuestion(waiting)).toBe(QUESTION);
    expect((await client.getProtocol(created.id)).status).toBe('running');
    const asked = (await events(created.id)).find((e) => e.event_type === 'step_needs_input');
    expect(asked?.metadata).toMatchObject({ question: QUESTION });
    expect(executions()).toHaveLength(1);
    expect(executions()[0]!.stdin).toContain('end your final message with a line starting `NEEDS_INPUT:`');
    const worktree = (await client.getProtocol(created.id)).worktree_path!;
    expect(git(worktree, ['log', '--format=%s'])).not.toContain('01-greet.md');

    // Answered over the api: a bad answer and a second answer are refused, changing nothing.
    await expect(client.answerStep(greet!.id, '   ')).rejects.toMatchObject({ status: 422 });
    const answered = await client.answerStep(greet!.id, ANSWER);
    expect(answered.job?.job_type).toBe('execute_step_job');
    await expect(client.answerStep(greet!.id, ANSWER)).rejects.toMatchObject({ status: 409 });

    // Attempt 2 resumes the agent's session with the question and the answer, and the run completes.
    await until(
      created.id,
      () => client.getProtocol(created.id),
      (r) => r.status === 'completed',
      'the run completed',
    );
    const second = executions()[1]!;
    expect(second.argv).toEqual(expect.arrayContaining(['resume', FAKE_CODEX_SESSION]));
    expect(second.stdin).toContain('stopped to ask a question, and a person answered it');
    expect(second.stdin).toContain(`> ${QUESTION}`);
    expect(second.stdin).toContain(ANSWER);
    const done = await client.getStep(greet!.id);
    expect(done.status).toBe('completed');
    expect(done.runtime_state).toMatchObject({ answered: { question: QUESTION, answer: ANSWER } });
    // One commit for the step, made by the answered attempt (pushed to the origin).
    const subjects = git(repo.originPath, ['log', '--format=%s', '0001-greet']).split('\n');
    expect(subjects.filter((s) => s.includes('01-greet.md'))).toHaveLength(1);
    const types = (await events(created.id)).map((e) => e.event_type);
    expect(types).toEqual(expect.arrayContaining(['step_needs_input', 'step_input_answered', 'protocol_completed']));
  }, 300_000);
});
