import { createClaudeCodeEngine } from './adapters/claude-code.engine.js';
import { createCodexEngine } from './adapters/codex.engine.js';
import { createOpencodeEngine } from './adapters/opencode.engine.js';
import { createEngineRegistry } from './engine.registry.js';
import { parseVersion, probeEngines, probeExecutable } from './engine.probe.js';
import { createShellEngine } from './shell/shell.engine.js';
import { fakeBinary } from './testing/fake-engines.test-helpers.js';

describe('probes', () => {
  it('parseVersion takes the first version-looking token', () => {
    expect(parseVersion('codex-cli 0.63.0')).toBe('0.63.0');
    expect(parseVersion('2.0.55 (Claude Code)')).toBe('2.0.55');
    expect(parseVersion('GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)')).toBe('5.2.15');
    expect(parseVersion('1.0.0-beta.3')).toBe('1.0.0-beta.3');
    expect(parseVersion('no version here')).toBeNull();
  });

  it('probeEngines reports every registered engine, installed or not', async () => {
    const registry = createEngineRegistry([
      createCodexEngine({ binary: fakeBinary('codex') }),
      createClaudeCodeEngine({ binary: '/nonexistent/claude' }),
      createOpencodeEngine({ binary: fakeBinary('opencode') }),
      createShellEngine(),
    ]);
    const probes = await probeEngines(registry);
    expect(probes.map((p) => [p.engine_id, p.installed])).toEqual([
      ['codex', true],
      ['claude-code', false],
      ['opencode', true],
      ['shell', true],
    ]);
    expect(probes[1]).toMatchObject({
      binary: '/nonexistent/claude',
      version: null,
      error: '/nonexistent/claude: ENOENT',
    });
  });

  it('a binary that fails --version is installed with an error; one that hangs times out', async () => {
    const failing = await probeExecutable({ engineId: 'x', binary: process.execPath, args: ['-e', 'process.exit(4)'] });
    expect(failing).toMatchObject({ installed: true, version: null, error: expect.stringContaining('exited with 4') });
    const hanging = await probeExecutable({
      engineId: 'x',
      binary: process.execPath,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      timeoutMs: 300,
    });
    expect(hanging).toMatchObject({ installed: true, version: null, error: expect.stringContaining('did not answer') });
  });
});
