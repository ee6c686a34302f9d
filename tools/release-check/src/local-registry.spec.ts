import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryConfig, userNpmrc } from './local-registry.js';

describe('local registry config', () => {
  it('keeps @tasksgodzilla/* local (never proxied) and proxies everything else', () => {
    const yaml = registryConfig('/r', 'http://upstream.invalid/');
    expect(yaml).toContain('storage: "/r/storage"');
    expect(yaml).toContain('url: "http://upstream.invalid/"');
    const scoped = yaml.split("'@tasksgodzilla/*':")[1]!.split("'**':")[0]!;
    expect(scoped).toContain('publish: $all');
    expect(scoped).not.toContain('proxy');
    expect(yaml.split("'**':")[1]).toContain('proxy: upstream');
  });

  it("extends the user's own npmrc (nodedir for native addons offline)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'npmrc-'));
    try {
      writeFileSync(join(dir, 'npmrc'), 'nodedir=/usr\n');
      expect(userNpmrc({ NPM_CONFIG_USERCONFIG: join(dir, 'npmrc') })).toBe('nodedir=/usr\n');
      expect(userNpmrc({ NPM_CONFIG_USERCONFIG: join(dir, 'missing') })).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
