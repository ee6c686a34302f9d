import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '@tasksgodzilla/testing';
import { openRuntime, type RuntimeHarness } from './runtime-harness.js';

/** A step that runs `env`, writes it into a file of the worktree (committed) and prints it (run log). */
const ENV_STEP = `# 01 - Env

\`\`\`sh
mkdir -p work
env > work/env.txt
cat work/env.txt
\`\`\`

## Checks

\`\`\`sh
test -s work/env.txt
\`\`\`
`;

/** Planted in the process environment of the runtime (the worker's own). */
const PROCESS_CANARIES = {
  TASKSGODZILLA_API_TOKEN: 'canary-env-api-token-51c2',
  TASKSGODZILLA_WEBHOOK_TOKEN: 'canary-env-webhook-token-51c2',
  TASKSGODZILLA_DB_URL: 'postgres://tgz:canary-env-db-pass-51c2@127.0.0.1:9/tgz',
  TASKSGODZILLA_REDIS_URL: 'redis://:canary-env-redis-pass-51c2@127.0.0.1:9',
  DATABASE_URL: 'postgres://tgz:canary-env-database-url-51c2@127.0.0.1:9/tgz',
  GITHUB_TOKEN: 'canary-env-github-token-51c2',
  GH_TOKEN: 'canary-env-gh-token-51c2',
  GITLAB_TOKEN: 'canary-env-gitlab-token-51c2',
};
/** Planted in the runtime's config. */
const CONFIG_CANARIES = {
  apiToken: 'canary-config-api-token-51c2',
  webhookToken: 'canary-config-webhook-token-51c2',
  projectToken: 'canary-config-project-token-51c2',
};
const CANARIES = [...Object.values(PROCESS_CANARIES), ...Object.values(CONFIG_CANARIES)];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('secrets canary through the runtime (shell engine, embedded queue, SQLite)', () => {
  let h: RuntimeHarness;
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [key, value] of Object.entries(PROCESS_CANARIES)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
  });
  afterEach(async () => {
    await h?.close();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  /** Runs a protocol to completion; returns every text a user or the agent could see. */
  async function runProtocol(runName: string, secrets?: Record<string, string[]>) {
    const { orchestrator } = h.rt.services;
    const projectId = await h.project();
    if (secrets) await h.rt.storage.projects.update(projectId, { secrets });
    const run = await orchestrator.createProtocolRun(projectId, {
      protocol_name: runName,
      template: h.template({ '01-build.md': ENV_STEP }),
      auto_advance: true,
    });
    await orchestrator.startProtocol(run.id);
    await h.worker.drain();
    const done = await h.run(run.id);
    const steps = await h.steps(run.id);
    const events = await h.events(run.id);
    const jobs = (await h.rt.storage.jobRuns.list({ protocol_run_id: run.id }, { limit: 100 })).items;
    const logs = filesUnder(h.rt.config.runsDir).map((file) => readFileSync(file, 'utf8'));
    const shas = events.map((e) => e.metadata?.['commit_sha']).filter((sha): sha is string => typeof sha === 'string');
    const diffs = await Promise.all([...new Set(shas)].map((sha) => h.rt.git.showCommit(h.repo.path, sha)));
    // The worktree is removed when the run ends; its branch stays in the repository.
    const branch = done.branch_name ?? runName;
    const commits = git(h.repo.path, ['log', '--patch', '--format=%H %s%n%b', branch]);
    const envFile = git(h.repo.path, ['show', `${branch}:work/env.txt`]);
    return { done, steps, events, jobs, logs, diffs, commits, envFile };
  }

  it('planted tokens appear in no run log, event, job payload/result, diff, commit or step process environment', async () => {
    h = await openRuntime({ config: CONFIG_CANARIES });
    const seen = await runProtocol('0001-canary');

    expect(seen.done.status).toBe('completed');
    expect(seen.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    // The step did run `env`: the file and the log have the allow-listed variables.
    expect(seen.envFile).toMatch(/^PATH=/m);
    expect(seen.logs.join('\n')).toMatch(/^PATH=/m);
    expect(seen.diffs.join('\n')).toContain('work/env.txt');
    expect(seen.commits).toContain('+PATH=');

    const texts: Record<string, string> = {
      envFile: seen.envFile,
      logs: seen.logs.join('\n'),
      events: JSON.stringify(seen.events),
      jobs: JSON.stringify(seen.jobs),
      steps: JSON.stringify(seen.steps),
      diffs: seen.diffs.join('\n'),
      commits: seen.commits,
    };
    const found = Object.entries(texts).flatMap(([where, text]) =>
      CANARIES.filter((canary) => text.includes(canary)).map((canary) => `${canary} in ${where}`),
    );
    expect(found).toEqual([]);
  });

  it('second line: a token the project opts in to pass is redacted from the run log and the step diff', async () => {
    h = await openRuntime({ config: { ...CONFIG_CANARIES, githubToken: PROCESS_CANARIES.GITHUB_TOKEN } });
    const seen = await runProtocol('0002-opt-in', { env_passthrough: ['GITHUB_TOKEN'] });

    expect(seen.done.status).toBe('completed');
    // The project asked for it: the step saw it and wrote it into its own file and commit.
    expect(seen.envFile).toContain(`GITHUB_TOKEN=${PROCESS_CANARIES.GITHUB_TOKEN}`);
    expect(seen.commits).toContain(PROCESS_CANARIES.GITHUB_TOKEN);
    // The server's own views of it are redacted.
    expect(seen.logs.join('\n')).toContain('GITHUB_TOKEN=[REDACTED]');
    expect(seen.diffs.join('\n')).toContain('+GITHUB_TOKEN=[REDACTED]');
    for (const text of [
      seen.logs.join('\n'),
      seen.diffs.join('\n'),
      JSON.stringify(seen.events),
      JSON.stringify(seen.jobs),
    ]) {
      expect(text).not.toContain(PROCESS_CANARIES.GITHUB_TOKEN);
    }
    // Every other variable stays out.
    for (const canary of CANARIES.filter((value) => value !== PROCESS_CANARIES.GITHUB_TOKEN))
      expect(seen.envFile).not.toContain(canary);
  });
});
