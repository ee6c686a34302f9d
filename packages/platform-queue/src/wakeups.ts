import { mkdirSync, readdirSync, unlinkSync, watch as watchFolder, type FSWatcher } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sql } from 'kysely';
import type pg from 'pg';
import { randomHex, sha256Hex } from '@tasksgodzilla/core';
import type { Executor } from '@tasksgodzilla/platform-storage';
import type { QueueLogger } from './queue.types.js';
import { NO_WAKEUPS } from './no-wakeups.js';

const loadPg = async (): Promise<typeof pg> => (await import('pg')).default;

// Cross-process wake-ups of idle workers on the embedded backend. The ledger stays the truth: a
// wake-up only says "look now"; a lost one costs a fallback poll, never a job.

/** Receives other processes' wake-ups: a queue name, or null for "anything may have changed" (channel up or down). */
export type WakeupHandler = (queue: string | null) => void;

export interface WakeupWatch {
  /** True while wake-ups of other processes arrive (a worker may then poll slowly); false: poll. */
  readonly live: boolean;
  stop(): Promise<void>;
}

export interface WakeupChannel {
  /**
   * PostgreSQL: what the enqueue insert passes to `pg_notify` (one notification per created job, sent on
   * commit). Null where the announcement goes through `announce` after commit instead.
   */
  readonly insertNotify: ((queue: string) => { channel: string; payload: string }) | null;
  /** Tells idle workers of other processes that jobs of `queue` may be due. Never throws, never waits for them. */
  announce(queue: string): void;
  /** Starts receiving wake-ups (the worker runner); each call its own subscription. */
  watch(handler: WakeupHandler): WakeupWatch;
  close(): Promise<void>;
}

export { NO_WAKEUPS };

/** The PostgreSQL channel the embedded queue notifies on. */
export const WAKEUP_CHANNEL = 'tgz_jobs';
/** application_name of the listening connection (visible in pg_stat_activity). */
export const LISTENER_APPLICATION_NAME = 'tgz-queue-listener';

const SOCKET_SUFFIX = '.sock';
// sun_path holds 108 bytes; leave room for the socket's own name.
const MAX_SOCKET_DIR = 80;

/**
 * The folder of a SQLite database's wake-up sockets: `<database file>-wake` next to it, or (when that
 * path is too long for a unix socket) a folder in the temp dir named after the database's path.
 */
export function wakeupDirectory(databasePath: string): string {
  const beside = `${databasePath}-wake`;
  if (Buffer.byteLength(beside) <= MAX_SOCKET_DIR) return beside;
  const digest = sha256Hex(databasePath).slice(0, 16);
  return join(tmpdir(), `tgz-wake-${basename(databasePath).slice(0, 20)}-${digest}`);
}

/**
 * SQLite (one host): each watching worker listens on a unix socket in the database's wake-up folder;
 * an announcement connects to every other socket there and writes the queue name. A socket nobody
 * listens on any more (a crashed process) refuses the connection and is removed.
 */
export function sqliteWakeups(options: {
  /** The database file; resolved lazily (e.g. from `PRAGMA database_list`) when a function. */
  path: string | (() => Promise<string | null>);
  logger: QueueLogger;
}): WakeupChannel {
  const { logger } = options;
  const instance = `${process.pid}-${randomHex(4)}`;
  const own = new Set<string>();
  let directory: Promise<string | null> | null = null;
  let closed = false;
  // Announcements coalesce: while one round of connections is out, queue names gather for the next.
  let sending = false;
  const pending = new Set<string>();
  // The folder's listing, kept until the folder changes (inotify) or, should watching fail, briefly.
  let listing: { names: string[]; at: number } | null = null;
  let watcher: FSWatcher | null | undefined;

  const sockets = (dir: string): string[] => {
    if (watcher === undefined) {
      try {
        watcher = watchFolder(dir, () => (listing = null));
        watcher.unref();
        watcher.on('error', () => {
          watcher?.close();
          watcher = null;
          listing = null;
        });
      } catch {
        watcher = null;
      }
    }
    const ttl = watcher ? 5000 : 100;
    if (!listing || Date.now() - listing.at > ttl) {
      listing = { names: readdirSync(dir).filter((name) => name.endsWith(SOCKET_SUFFIX)), at: Date.now() };
    }
    return listing.names;
  };

  const folder = () =>
    (directory ??= (async () => {
      try {
        const path = typeof options.path === 'string' ? options.path : await options.path();
        if (!path || path === ':memory:') return null;
        const dir = wakeupDirectory(path);
        mkdirSync(dir, { recursive: true });
        return dir;
      } catch (error) {
        logger.warn({ err: error }, 'queue wake-ups unavailable; workers of other processes poll');
        return null;
      }
    })());

  const poke = (socket: string, message: string) =>
    new Promise<void>((resolve) => {
      const client = connect(socket);
      client.on('connect', () => client.end(message));
      client.on('close', () => resolve());
      client.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') {
          try {
            unlinkSync(socket);
          } catch {
            // someone else removed it
          }
        }
        resolve();
      });
    });

  const flush = async () => {
    sending = true;
    try {
      while (pending.size > 0 && !closed) {
        const message = [...pending].map((queue) => `${queue}\n`).join('');
        pending.clear();
        const dir = await folder();
        if (!dir) return;
        let names: string[];
        try {
          names = sockets(dir);
        } catch {
          return;
        }
        const targets = names.filter((name) => !own.has(name));
        await Promise.all(targets.map((name) => poke(join(dir, name), message)));
      }
    } finally {
      sending = false;
    }
  };

  return {
    insertNotify: null,

    announce(queue) {
      if (closed) return;
      pending.add(queue);
      if (!sending) void flush();
    },

    watch(handler) {
      let server: Server | null = null;
      let live = false;
      let stopped = false;
      const name = `${instance}-${randomHex(3)}${SOCKET_SUFFIX}`;
      own.add(name);
      void (async () => {
        const dir = await folder();
        if (!dir || stopped) return;
        const path = join(dir, name);
        const listening = createServer((socket) => {
          let text = '';
          socket.setEncoding('utf8');
          socket.on('data', (chunk: string) => (text += chunk));
          socket.on('end', () => {
            for (const queue of new Set(text.split('\n'))) if (queue) handler(queue);
          });
          socket.on('error', () => undefined);
        });
        listening.unref();
        listening.on('error', (error) => {
          logger.warn({ err: error, path }, 'queue wake-up socket failed; polling instead');
          if (live) {
            live = false;
            handler(null);
          }
        });
        listening.listen(path, () => {
          if (stopped) {
            listening.close();
            return;
          }
          server = listening;
          live = true;
          handler(null);
        });
      })();
      return {
        get live() {
          return live;
        },
        async stop() {
          stopped = true;
          live = false;
          own.delete(name);
          const current = server;
          server = null;
          // Closing a unix socket server removes its file.
          if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
        },
      };
    },

    async close() {
      closed = true;
      pending.clear();
      watcher?.close();
      watcher = null;
    },
  };
}

/** The SQLite file behind a connection (empty for an in-memory database). */
export function sqliteDatabaseFile(db: Executor): () => Promise<string | null> {
  return async () => {
    const { rows } = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db);
    return rows[0]?.file || null;
  };
}

/**
 * PostgreSQL: enqueue notifies in its insert (delivered on commit); other announcements (retries,
 * releases, reclaims) send `pg_notify` after commit. Each watcher keeps one dedicated connection
 * (`url`) listening, and reconnects with backoff when it is lost; until then its worker polls.
 */
export function postgresWakeups(options: {
  db: Executor;
  /** The listening connection's URL; without it nothing is received (workers poll) but announcements are still sent. */
  url: string | undefined;
  logger: QueueLogger;
  /** First reconnect delay after a lost listener (doubles up to 5 s; default 100 ms). */
  reconnectMs?: number;
}): WakeupChannel {
  const { db, url, logger } = options;
  const instance = randomHex(6);
  const firstDelay = options.reconnectMs ?? 100;
  let closed = false;
  const watches = new Set<WakeupWatch>();

  const payloadOf = (queue: string) => `${instance}\n${queue}`;

  return {
    insertNotify: (queue) => ({ channel: WAKEUP_CHANNEL, payload: payloadOf(queue) }),

    announce(queue) {
      if (closed) return;
      sql`select pg_notify(${WAKEUP_CHANNEL}, ${payloadOf(queue)})`
        .execute(db)
        .catch((error: unknown) => logger.warn({ err: error }, 'queue wake-up notify failed'));
    },

    watch(handler) {
      if (!url) return NO_WAKEUPS.watch(handler);
      let client: pg.Client | null = null;
      let live = false;
      let stopped = false;
      let delay = firstDelay;
      let retry: NodeJS.Timeout | undefined;

      const lost = (error: unknown) => {
        const gone = client;
        client = null;
        gone?.removeAllListeners();
        gone?.on('error', () => undefined);
        void gone?.end().catch(() => undefined);
        if (stopped) return;
        if (live) {
          live = false;
          logger.warn({ err: error }, 'queue wake-up listener lost; polling until it reconnects');
          handler(null);
        }
        retry = setTimeout(open, delay);
        retry.unref();
        delay = Math.min(delay * 2, 5000);
      };

      const open = () => {
        if (stopped) return;
        // pg is loaded on the first listener only: a process on SQLite never loads it.
        loadPg().then(connect).catch(lost);
      };

      const connect = ({ Client }: typeof pg) => {
        if (stopped) return;
        const next = new Client({
          connectionString: url,
          application_name: LISTENER_APPLICATION_NAME,
          // A peer that vanished without closing the connection shows up as an error, not silence.
          keepAlive: true,
          keepAliveInitialDelayMillis: 10_000,
        });
        client = next;
        const fail = (error: unknown) => {
          if (client === next) lost(error);
        };
        next.on('error', fail);
        next.on('end', () => fail(new Error('listener connection ended')));
        next.on('notification', (message) => {
          const [sender, queue] = (message.payload ?? '').split('\n');
          // This process's own enqueues already woke its workers.
          if (sender === instance) return;
          handler(queue ? queue : null);
        });
        next
          .connect()
          .then(() => next.query(`LISTEN ${WAKEUP_CHANNEL}`))
          .then(() => {
            if (stopped || client !== next) return;
            delay = firstDelay;
            live = true;
            // Whatever was announced while nobody listened.
            handler(null);
          })
          .catch(fail);
      };
      open();

      const watch: WakeupWatch = {
        get live() {
          return live;
        },
        async stop() {
          stopped = true;
          live = false;
          clearTimeout(retry);
          watches.delete(watch);
          const current = client;
          client = null;
          if (current) {
            current.removeAllListeners();
            current.on('error', () => undefined);
            await current.end().catch(() => undefined);
          }
        },
      };
      watches.add(watch);
      return watch;
    },

    async close() {
      closed = true;
      await Promise.all([...watches].map((watch) => watch.stop()));
    },
  };
}
