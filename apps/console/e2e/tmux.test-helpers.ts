import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertSystemPackages } from '@tasksgodzilla/testing/system-packages';
import { ARTIFACTS } from './e2e.test-helpers.js';

/**
 * A terminal for a full-screen program: a tmux server of our own (its own socket, so no other
 * tmux is touched), one window of a fixed size, keys in with send-keys, the screen out with
 * capture-pane.
 */
export class TmuxTerminal {
  private constructor(
    private readonly socket: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Runs `argv` in a new window; when it exits the window stays, showing `[exited <code>]`. */
  static start(argv: string[], env: NodeJS.ProcessEnv, size = { columns: 160, rows: 45 }): TmuxTerminal {
    assertSystemPackages(['tmux']);
    const socket = `tgz-console-e2e-${process.pid}-${Date.now()}`;
    // A person's terminal, not CI: with CI set, ink prints only the final frame (is-in-ci).
    const { CI: _ci, CONTINUOUS_INTEGRATION: _ci2, ...interactive } = env;
    const terminal = new TmuxTerminal(socket, { ...interactive, TERM: 'xterm-256color' });
    const quoted = argv.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
    terminal.tmux([
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'tgz',
      '-x',
      String(size.columns),
      '-y',
      String(size.rows),
      `${quoted}; echo "[exited $?]"; sleep 3600`,
    ]);
    return terminal;
  }

  private tmux(args: string[]): string {
    const result = spawnSync('tmux', ['-L', this.socket, ...args], { env: this.env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  }

  /** The visible screen, as text. */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', 'tgz']);
  }

  /** tmux key names (`Enter`, `Escape`, `Tab`) or single characters, one at a time. */
  keys(...keys: string[]): void {
    for (const key of keys) this.tmux(['send-keys', '-t', 'tgz', key]);
  }

  /** Literal text (arrives as one burst, like a paste). */
  type(text: string): void {
    this.tmux(['send-keys', '-t', 'tgz', '-l', text]);
  }

  /** Waits until the screen shows `match`; returns the screen. No timing is asserted. */
  async waitFor(match: string | RegExp, timeoutMs: number, what = String(match)): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      // Keys may follow at once: the TUI hands each key to the screen or dialog that owns the keyboard
      // by then, even one not drawn yet. The pause below is only the polling interval of the screen.
      if (typeof match === 'string' ? screen.includes(match) : match.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Keeps the screen under apps/console/test-artifacts/ (gitignored). */
  save(name: string): void {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, `${name}.txt`), this.screen());
  }

  /** Stops our tmux server (and the program in it). */
  close(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { env: this.env });
  }
}
