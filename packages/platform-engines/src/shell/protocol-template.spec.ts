import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@tasksgodzilla/core';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import { readProtocolTemplate } from './protocol-template.js';

// Issue 10: a template's plan.md/context.md symlink pointing outside the template was followed and committed.

describe('readProtocolTemplate and symlinks', () => {
  let dir: TempDir;
  let template: string;
  let secret: string;
  beforeEach(() => {
    dir = createTempDir('tgz-template-');
    template = join(dir.path, 'template');
    mkdirSync(template);
    secret = join(dir.path, 'outside-secret.txt');
    writeFileSync(secret, 'TOP SECRET\n');
    writeFileSync(join(template, '01-build.md'), '# build\n');
  });
  afterEach(() => dir.remove());

  it.each(['plan.md', 'context.md', 'log.md'])('refuses %s linking outside the template folder', (name) => {
    if (name !== 'plan.md') writeFileSync(join(template, 'plan.md'), '# plan\n');
    symlinkSync(secret, join(template, name));
    expect(() => readProtocolTemplate(template)).toThrow(ValidationError);
    expect(() => readProtocolTemplate(template)).toThrow(`${name} links outside the template folder`);
  });

  it('follows a symlink that stays inside the template folder', () => {
    writeFileSync(join(template, 'shared.md'), '# shared plan\n');
    symlinkSync(join(template, 'shared.md'), join(template, 'plan.md'));
    symlinkSync('shared.md', join(template, 'context.md'));
    const plan = readProtocolTemplate(template);
    expect(plan.plan_md).toBe('# shared plan\n');
    expect(plan.context_md).toBe('# shared plan\n');
    expect(plan.step_files).toEqual([{ filename: '01-build.md', content: '# build\n' }]);
  });
});
