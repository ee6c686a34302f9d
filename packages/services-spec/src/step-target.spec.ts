import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '@tasksgodzilla/core';
import { useTempDir } from '@tasksgodzilla/testing';
import { fingerprintText } from '@tasksgodzilla/platform-git';
import { readOptional, resolveStepTarget, synthesizeStepSpec } from './step-target.js';

describe('resolveStepTarget', () => {
  const dir = useTempDir();
  let protocolRoot: string;
  beforeEach(() => {
    protocolRoot = join(dir.path, '.protocols', '0001-demo');
    mkdirSync(protocolRoot, { recursive: true });
  });

  it('synthesizes a spec for a step the spec does not list, finding <name>.md', async () => {
    writeFileSync(join(protocolRoot, '01-build.md'), '# Build\n');
    expect(synthesizeStepSpec({ step_name: '01-build' }, protocolRoot).prompt_ref).toBe('01-build.md');
    const target = await resolveStepTarget({ step_name: '01-build' }, null, { protocolRoot, workspaceRoot: dir.path });
    expect(target.declared).toBe(false);
    expect(target.stepFilename).toBe('01-build.md');
    expect(target.content).toBe('# Build\n');
    expect(target.version).toBe(fingerprintText('# Build\n'));
    expect(target.outputs.protocol).not.toBe(target.stepFile);
  });

  it('throws NotFoundError for a missing instruction file', async () => {
    await expect(
      resolveStepTarget({ step_name: '02-missing.md' }, null, { protocolRoot, workspaceRoot: dir.path }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads optional documents as empty when absent', async () => {
    expect(await readOptional(join(protocolRoot, 'plan.md'))).toBe('');
    writeFileSync(join(protocolRoot, 'plan.md'), 'plan');
    expect(await readOptional(join(protocolRoot, 'plan.md'))).toBe('plan');
  });
});
