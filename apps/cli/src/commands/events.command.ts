import type { EventOut } from '@tasksgodzilla/client';
import type { Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import { withContext, type ContextFactory } from '../context.js';
import { formatEventLine, formatTs, newestFirst, renderEvents, renderTable, shortHash, truncate } from '../format.js';
import { intInRange, nonBlank, parseId } from '../parse.js';
import { collectAll, examples } from './command-helpers.js';

export interface EventFilter {
  project?: number;
  protocol?: number;
  kind?: string;
}

async function fetchNewest(ctx: CommandContext, filter: EventFilter, limit: number): Promise<EventOut[]> {
  if (filter.protocol !== undefined) {
    const protocol = filter.protocol;
    return collectAll(ctx, (p) => ctx.client.listProtocolEvents(protocol, p), limit, 500);
  }
  return collectAll(
    ctx,
    (p) => ctx.client.listEvents({ ...p, project_id: filter.project, kind: filter.kind }),
    limit,
    500,
  );
}

/** The newest `limit` events, printed oldest first (like a log tail). */
export async function listEvents(ctx: CommandContext, filter: EventFilter, limit: number): Promise<EventOut[]> {
  const events = newestFirst(await fetchNewest(ctx, filter, limit)).reverse();
  if (ctx.json) ctx.printJson(events);
  else if (events.length === 0) ctx.print('No events.');
  else ctx.print(renderEvents(events));
  return events;
}

/** The original's `events recent`: newest first. */
export async function recentEvents(
  ctx: CommandContext,
  project: number | undefined,
  limit: number,
): Promise<EventOut[]> {
  const events = newestFirst(await fetchNewest(ctx, { project }, limit));
  if (ctx.json) ctx.printJson(events);
  else if (events.length === 0) ctx.print('No events.');
  else
    ctx.print(
      renderTable(
        ['Time', 'Type', 'Protocol', 'Step', 'Spec', 'Message'],
        events.map((e) => [
          formatTs(e.created_at),
          e.event_type,
          e.protocol_name ?? e.protocol_run_id,
          e.step_run_id,
          shortHash(typeof e.metadata?.['spec_hash'] === 'string' ? e.metadata['spec_hash'] : null),
          truncate(e.message, 80),
        ]),
      ),
    );
  return events;
}

/** Streams events live (server-sent events) until Ctrl-C; one line (or JSON line) per event. */
export async function watchEvents(ctx: CommandContext, filter: EventFilter, after: number | undefined): Promise<void> {
  const { signal, dispose } = ctx.interruptSignal();
  const scope =
    filter.protocol !== undefined
      ? `protocol ${filter.protocol}`
      : filter.project !== undefined
        ? `project ${filter.project}`
        : 'all projects';
  ctx.note(`Watching events of ${scope} at ${ctx.globals.apiBase} (Ctrl-C to stop)…`, !ctx.json);
  try {
    for await (const event of ctx.client.streamEvents({
      project_id: filter.project,
      protocol_run_id: filter.protocol,
      last_event_id: after ?? null,
      signal,
    })) {
      if (ctx.json) ctx.printJsonLine(event);
      else ctx.print(formatEventLine(event));
    }
  } finally {
    dispose();
  }
}

export function registerEventsCommands(program: Command, ctxOf: ContextFactory): void {
  const events = program
    .command('events')
    .description('the event log: list, recent, and a live watch over the event stream');

  examples(
    events
      .command('list')
      .description('list the newest events (oldest first), for a project, a protocol run, or everything')
      .option('--project <id>', 'only this project', parseId)
      .option('--protocol <id>', 'only this protocol run', parseId)
      .option('--kind <kind>', 'event kind filter of the api (e.g. onboarding)', nonBlank)
      .option('--limit <n>', 'how many events', intInRange(1, 100_000), 50),
    [
      'tgz events list --protocol 2',
      'tgz events list --project 1 --limit 200 --json',
      'tgz events list --project 1 --kind onboarding',
    ],
  ).action(withContext(ctxOf, (ctx, opts: EventFilter & { limit: number }) => listEvents(ctx, opts, opts.limit)));

  examples(
    events
      .command('recent')
      .description('the most recent events, newest first (the original command)')
      .option('--project <id>', 'only this project', parseId)
      .option('--limit <n>', 'how many events', intInRange(1, 500), 20),
    ['tgz events recent', 'tgz events recent --project 1 --limit 5'],
  ).action(
    withContext(ctxOf, (ctx, opts: { project?: number; limit: number }) => recentEvents(ctx, opts.project, opts.limit)),
  );

  examples(
    events
      .command('watch')
      .description('stream events live until Ctrl-C: one line per event, or one JSON object per line with --json')
      .option('--project <id>', 'only this project', parseId)
      .option('--protocol <id>', 'only this protocol run', parseId)
      .option('--after <event-id>', 'first replay the events after this id', intInRange(0, Number.MAX_SAFE_INTEGER)),
    ['tgz events watch', 'tgz events watch --protocol 2', 'tgz events watch --project 1 --json | jq .event_type'],
  ).action(
    withContext(ctxOf, (ctx, opts: EventFilter & { after?: number }) =>
      watchEvents(ctx, { project: opts.project, protocol: opts.protocol }, opts.after),
    ),
  );
}
