import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestGitService, useTempDir } from './git.test-helpers.js';

const CANARIES = {
  TASKSGODZILLA_API_TOKEN: 'canary-api-token',
  TASKSGODZILLA_WEBHOOK_TOKEN: 'canary-webhook-token',
  TASKSGODZILLA_DB_URL: 'postgres://u:canary-db@h/db',
  DATABASE_URL: 'postgres://u:canary-db2@h/db',
  REDIS_URL: 'redis://:canary-redis@h:6379',
  GITHUB_TOKEN: 'canary-github',
  GITLAB_TOKEN: 'canary-gitlab',
  AWS_SECRET_ACCESS_KEY: 'canary-aws',
};

describe('GitService child environment', () => {
  const dir = useTempDir('tgz-git-env-');
  const saved: Record<string, string | undefined> = {};

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  function setProcessEnv(values: Record<string, string>): void {
    for (const [name, value] of Object.entries(values)) {
      if (!(name in saved)) saved[name] = process.env[name];
      process.env[name] = value;
    }
  }

  it("gives git (and the ssh it starts) the allow-list, none of the worker's tokens and URLs", async () => {
    const dump = join(dir.path, 'ssh.env');
    const ssh = join(dir.path, 'fake-ssh');
    // git starts the ssh command with its own environment; the fake writes it down and fails the clone.
    writeFileSync(ssh, `#!/bin/sh\nenv > "${dump}"\nexit 1\n`);
    chmodSync(ssh, 0o755);
    setProcessEnv({ ...CANARIES, GIT_SSH_COMMAND: ssh, SSH_AUTH_SOCK: join(dir.path, 'agent.sock') });
    // No `env` given: the service picks from process.env.
    const service = createTestGitService(dir.path, { env: undefined });

    await expect(
      service.ensureRepo({ projectId: 1, gitUrl: 'ssh://git@127.0.0.1/acme/app.git', projectName: 'app' }),
    ).rejects.toMatchObject({ name: 'GitError' });

    expect(existsSync(dump)).toBe(true);
    const env = readFileSync(dump, 'utf8');
    for (const value of Object.values(CANARIES)) expect(env).not.toContain(value);
    for (const name of Object.keys(CANARIES)) expect(env).not.toMatch(new RegExp(`^${name}=`, 'm'));
    expect(env).toMatch(/^PATH=/m);
    expect(env).toContain(`SSH_AUTH_SOCK=${join(dir.path, 'agent.sock')}`);
    expect(env).toMatch(/^GIT_TERMINAL_PROMPT=0$/m);
  });
});
