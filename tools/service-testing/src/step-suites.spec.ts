import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import {
  fakeArgvFile,
  fakeCliOptions,
  readFakeArgv,
  useProcessEnv,
  useStepWorkspace,
  workspaceStepInput,
} from './index.js';

describe('fakeCliOptions', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = createTempDir('tgz-step-suites-');
  });
  afterEach(() => dir.remove());

  it('plays the given records, records the run in fakeArgvFile and keeps the graces short', () => {
    const options = fakeCliOptions(dir.path, 'codex', [{ type: 'turn.started' }]);
    expect(options).toMatchObject({ killGraceMs: 200, postTerminalGraceMs: 200 });
    const out = execFileSync(options.binary, ['exec', '-'], { input: 'the prompt', encoding: 'utf8' });
    expect(out).toBe('{"type":"turn.started"}\n');
    expect(readFakeArgv(dir.path)).toMatchObject({ argv: ['exec', '-'], stdin: 'the prompt' });
    expect(fakeArgvFile(dir.path)).toBe(join(dir.path, 'argv.json'));
  });

  it('with envFile, writes the environment the CLI was started with there first', () => {
    const envFile = join(dir.path, 'cli.env');
    const options = fakeCliOptions(dir.path, 'codex', 'success', { env: { FAKE_ENGINE_EXIT_CODE: '0' }, envFile });
    execFileSync(options.binary, ['exec', '-'], { input: '', env: { ...process.env, TGZ_MARKER: 'seen' } });
    expect(readFileSync(envFile, 'utf8')).toContain('TGZ_MARKER=seen');
    expect(readFakeArgv(dir.path).argv).toEqual(['exec', '-']);
  });
});

describe('useProcessEnv', () => {
  const before = process.env['TGZ_STEP_SUITES_VALUE'];

  describe('in the describe that uses it', () => {
    useProcessEnv({ TGZ_STEP_SUITES_VALUE: 'set for the test' });

    it('sets the values for each test', () => {
      expect(process.env['TGZ_STEP_SUITES_VALUE']).toBe('set for the test');
    });
  });

  it('puts the previous values back after each test', () => {
    expect(process.env['TGZ_STEP_SUITES_VALUE']).toBe(before);
  });
});

describe('useStepWorkspace and workspaceStepInput', () => {
  const suite = useStepWorkspace({ '01-build.md': '# 01 Build\n' }, { prefix: 'tgz-step-suites-' });

  it('gives each test a workspace with the step files and a telemetry, and the step input pointing into it', () => {
    expect(readFileSync(join(suite.ws.protocolRoot, '01-build.md'), 'utf8')).toBe('# 01 Build\n');
    expect(suite.tel.events).toEqual([]);
    expect(workspaceStepInput(suite.ws, { step_name: '02-docs.md' })).toMatchObject({
      project: { id: 7 },
      run: { id: 11 },
      step: { id: 23, step_name: '02-docs.md' },
      worktreePath: suite.ws.worktreePath,
      protocolRoot: suite.ws.protocolRoot,
      logPath: suite.ws.logPath,
    });
  });
});
