import type { EventOut } from '@tasksgodzilla/client';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { formatEventLine, newestFirst, renderEvents } from '../format.js';
import { intInRange, nonBlank, parseSeconds } from '../parse.js';
import { collectAll, registerGroup } from './command-helpers.js';
import { printList } from './command-output.js';
import { limitOption, projectOption, protocolOption } from './command-options.js';

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
  return printList(ctx, newestFirst(await fetchNewest(ctx, filter, limit)).reverse(), 'No events.', renderEvents);
}

/** The original's `events recent`: newest first. */
export async function recentEvents(
  ctx: CommandContext,
  project: number | undefined,
  limit: number,
): Promise<EventOut[]> {
  return printList(ctx, newestFirst(await fetchNewest(ctx, { project }, limit)), 'No events.', (events) =>
    renderEvents(events, { ids: false }),
  );
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

/** `--project` and `--protocol`: which events (`list`, `watch`). */
const scopeOptions = (): Option[] => [projectOption('only this project'), protocolOption('only this protocol run')];

export function registerEventsCommands(program: Command, ctxOf: ContextFactory): void {
  const group = { name: 'events', description: 'the event log: list, recent, and a live watch over the event stream' };
  registerGroup(program, ctxOf, group, [
    {
      name: 'list',
      description: 'list the newest events (oldest first), for a project, a protocol run, or everything',
      examples: [
        'tgz events list --protocol 2',
        'tgz events list --project 1 --limit 200 --json',
        'tgz events list --project 1 --kind onboarding',
      ],
      options: [
        ...scopeOptions(),
        new Option('--kind <kind>', 'event kind filter of the api (e.g. onboarding)').argParser(nonBlank),
        limitOption('events', 100_000, 50),
      ],
      run: (ctx, opts: EventFilter & { limit: number }) => listEvents(ctx, opts, opts.limit),
    },
    {
      name: 'recent',
      description: 'the most recent events, newest first (the original command)',
      examples: ['tgz events recent', 'tgz events recent --project 1 --limit 5'],
      options: [projectOption('only this project'), limitOption('events', 500, 20)],
      run: (ctx, opts: { project?: number; limit: number }) => recentEvents(ctx, opts.project, opts.limit),
    },
    {
      name: 'watch',
      description: 'stream events live until Ctrl-C: one line per event, or one JSON object per line with --json',
      examples: [
        'tgz events watch',
        'tgz events watch --protocol 2',
        'tgz events watch --project 1 --json | jq .event_type',
      ],
      options: [
        ...scopeOptions(),
        new Option('--after <event-id>', 'first replay the events after this id').argParser(
          intInRange(0, Number.MAX_SAFE_INTEGER),
        ),
        new Option('--interval <seconds>', "accepted for the original's command line; the stream is live").argParser(
          parseSeconds,
        ),
      ],
      run: (ctx, opts: EventFilter & { after?: number; interval?: number }) => {
        if (opts.interval !== undefined)
          ctx.note('--interval is ignored: events arrive live over the event stream, nothing is polled.', true);
        return watchEvents(ctx, { project: opts.project, protocol: opts.protocol }, opts.after);
      },
    },
  ]);
}
