import type { HealthOut } from '@tasksgodzilla/client';
import type { Command } from 'commander';
import { CommandFailedError } from '../cli.errors.js';
import type { CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { cell } from '../format.js';
import { registerCommands } from './command-helpers.js';

/** `ok (sqlite)`, `down: <error>`, or the value itself. */
function componentText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return cell(value);
  const c = value as { ok?: unknown; backend?: unknown; status?: unknown; error?: unknown };
  const state = c.ok === true ? 'ok' : c.ok === false ? 'down' : cell(c.status);
  const backend = typeof c.backend === 'string' ? ` (${c.backend})` : '';
  return `${state}${backend}${c.error ? `: ${c.error}` : ''}`;
}

/** `GET /health`; exit 1 when the api reports itself degraded. */
export async function checkHealth(ctx: CommandContext): Promise<HealthOut> {
  const health = await ctx.client.health();
  if (ctx.json) ctx.printJson(health);
  else {
    const parts = Object.entries(health)
      .filter(([k]) => k !== 'status')
      .map(([k, v]) => `${k}: ${componentText(v)}`);
    ctx.print(`${ctx.globals.apiBase}: ${health.status}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`);
  }
  if (health.status !== 'ok') throw new CommandFailedError(`the api at ${ctx.globals.apiBase} is ${health.status}`);
  return health;
}

export function registerHealthCommand(program: Command, ctxOf: ContextFactory): void {
  registerCommands(program, ctxOf, [
    {
      name: 'health',
      description: 'check that the api answers and its database and queue are healthy',
      examples: ['tgz health', 'tgz health --api-base http://127.0.0.1:8010'],
      run: (ctx) => checkHealth(ctx),
    },
  ]);
}
