import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventOut, TasksGodzillaClient } from '@tasksgodzilla/client';
import { git, postgresAvailable, redisAvailable, seededRandom } from '@tasksgodzilla/testing';
import { freePort, type AppProcess } from './processes.test-helpers.js';
import {
  createStackResources,
  startStackApi,
  startStackWorker,
  waitFor,
  type StackResources,
} from './stack.test-helpers.js';

// Issue 10, "crash runs": the BUILT api and two separate workers (shell engine), kill -9 of workers
// and of the api at seeded-random points while several multi-step protocols run, each killed process
// restarted. Asserted: every protocol completes, one commit per step, each step commit holds the
// output of one attempt only (the last, successful one), and the event stream read across the api
// restarts (the client resumes with Last-Event-ID) delivers exactly the ids GET /events lists.
// PostgreSQL + Redis are required when CI=true (postgresAvailable/redisAvailable throw then).
// TGZ_CRASH_SEED replays a given seed.

const distributed = (await postgresAvailable()) && (await redisAvailable());
type Scenario = 'sqlite' | 'postgres-bullmq';
const SCENARIOS: Scenario[] = ['sqlite', ...(distributed ? (['postgres-bullmq'] as const) : [])];

const LINES = 20;
const STEPS = ['00-setup', '01-build', '02-docs'];
const PROTOCOLS = ['0001-crash-a', '0002-crash-b', '0003-crash-c'];
/** Kill targets in order, shuffled by the seeded PRNG: four workers and the api twice. */
const KILL_TARGETS = ['worker', 'worker', 'worker', 'worker', 'api', 'api'] as const;
const BASE_SEED = Number(process.env.TGZ_CRASH_SEED ?? 20261206);

/**
 * Left out of the kill points (see where it is used): a worker holding a step whose engine has
 * finished but which is still `running`. Between the engine's end and the commit the attempt lock now
 * stays (services-execution keeps it until the commit, so a re-execution undoes the output); after
 * the commit, the same job finds its commit trailer on HEAD and does not run again (seen before
 * these fixes: 40 lines of two pgids in one commit). TGZ_CRASH_INCLUDE_COMMIT_WINDOW=1 includes such
 * kill points; they are left out by default because the suite cannot aim a kill at that window.
 */
const BETWEEN_ENGINE_AND_COMMIT: 'left out' | 'included' =
  process.env.TGZ_CRASH_INCLUDE_COMMIT_WINDOW === '1' ? 'included' : 'left out';

/** Kills happen after 2..GATE lines of an attempt: mid-step. */
const GATE = 12;

/**
 * Each attempt notes `<step> <pgid> <worker pid>` outside the worktree (the worker, or the api, is its
 * shell's parent, or its parent's parent when its spawn helper, a `node -e`, started it), then appends LINES lines
 * tagged with its pgid to work/<step>.txt, one at a time: a line of another pgid in a step's commit
 * came from a dead attempt. With `gate`, the attempt waits after GATE lines until that file exists,
 * so no protocol completes before every planned kill is made.
 */
function stepFile(step: string, attemptsFile: string, gate?: string): string {
  const wait = gate ? `if [ $i -eq ${GATE} ]; then while [ ! -f '${gate}' ]; do sleep 0.1; done; fi; ` : '';
  return `# ${step}

\`\`\`sh
mkdir -p work
w=$PPID; case "$(tr '\\0' ' ' < /proc/$PPID/cmdline)" in *' -e '*) read -r _ _ _ w _ < /proc/$PPID/stat;; esac
echo "${step} $$ $w" >> '${attemptsFile}'
i=0
while [ $i -lt ${LINES} ]; do ${wait}echo "$$ line $i" >> work/${step}.txt; i=$((i+1)); sleep 0.1; done
\`\`\`

## Checks

\`\`\`sh
test "$(grep -c ' line ' work/${step}.txt)" -ge ${LINES}
\`\`\`
`;
}

interface Attempt {
  protocol: string;
  step: string;
  pgid: number;
  workerPid: number;
}

function readAttempts(dir: string): Attempt[] {
  return PROTOCOLS.flatMap((protocol) => {
    const file = join(dir, `${protocol}.attempts`);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [step, pgid, workerPid] = line.split(' ');
        return { protocol, step: step!, pgid: Number(pgid), workerPid: Number(workerPid) };
      });
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `read` until it does not throw a transport error (the api may be restarting). */
async function retrying<T>(read: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if ((error as { status?: number }).status !== 0 || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function allEvents(client: TasksGodzillaClient): Promise<EventOut[]> {
  const events: EventOut[] = [];
  let cursor: string | null = null;
  do {
    const page = await client.listEvents({ limit: 100, cursor });
    events.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return events;
}

describe.each(SCENARIOS)('crash runs: api + 2 workers, kill -9 at random points (%s)', (scenario) => {
  let stack: StackResources | undefined;
  const apps: { api?: AppProcess; workers: AppProcess[] } = { workers: [] };
  const streamStop = new AbortController();

  afterAll(async () => {
    streamStop.abort();
    await Promise.all([apps.api, ...apps.workers].map((app) => app?.stop(10_000)));
    // Attempts of killed workers that no re-execution fenced (a failing run) must not outlive the suite.
    if (stack)
      for (const attempt of readAttempts(stack.dir.path))
        if (groupAlive(attempt.pgid)) process.kill(-attempt.pgid, 'SIGKILL');
    await stack?.release();
  }, 120_000);

  it('completes every protocol with one commit per step from the successful attempt, and streams every event once', async () => {
    const seed = BASE_SEED + (scenario === 'sqlite' ? 0 : 1);
    const random = seededRandom(seed);
    const resources = await createStackResources(`crash-${scenario}`, {
      distributed: scenario === 'postgres-bullmq',
      overrides: {
        // A killed worker's job is reclaimed once its lease runs out; every kill may cost an attempt.
        TASKSGODZILLA_LEASE_SECONDS: '5',
        TASKSGODZILLA_JOB_MAX_ATTEMPTS: '20',
        TASKSGODZILLA_ENGINE_TIMEOUT_SECONDS: '600',
      },
    });
    stack = resources;
    const { dir, repo } = resources;

    const apiPort = await freePort();
    const startApi = () => startStackApi(resources, { port: apiPort, inlineWorker: false });
    let incarnation = 0;
    const startWorker = async (slot: number) => {
      incarnation += 1;
      const name = `worker-${slot + 1}`;
      return startStackWorker(resources, { name, workerId: `crash-${name}-${incarnation}`, shutdownTimeoutSeconds: 5 });
    };
    apps.api = await startApi();
    for (const slot of [0, 1]) apps.workers.push(await startWorker(slot));
    const client = resources.client(apps.api.url);

    // Every event from the first one on, across api restarts (the client reconnects with Last-Event-ID).
    const streamed: number[] = [];
    const following = (async () => {
      for await (const event of client.streamEvents({
        last_event_id: 0,
        signal: streamStop.signal,
        retryDelayMs: 100,
        maxRetryDelayMs: 1000,
      }))
        streamed.push(event.id);
    })();

    const project = await client.createProject({
      name: `crash-${scenario}`,
      git_url: repo.originPath,
      local_path: repo.path,
    });
    const onboarding = await waitFor(
      () => client.getOnboarding(project.id),
      (s) => ['completed', 'blocked', 'failed'].includes(s.status),
      'onboarding',
      180_000,
    );
    expect(onboarding.status).toBe('completed');

    const runs = new Map<string, number>();
    const gate = join(dir.path, 'kills-done');
    for (const name of PROTOCOLS) {
      // The last step of every protocol is gated until the kills are done.
      const template = resources.template(
        Object.fromEntries(
          STEPS.map((step) => [
            `${step}.md`,
            stepFile(step, join(dir.path, `${name}.attempts`), step === STEPS.at(-1) ? gate : undefined),
          ]),
        ),
      );
      const created = await client.createProtocol(project.id, { protocol_name: name, template, auto_advance: true });
      runs.set(name, created.id);
    }
    for (const id of runs.values()) await client.startProtocol(id);

    const statuses = () => retrying(() => Promise.all([...runs.values()].map((id) => client.getProtocol(id))));
    const allTerminal = (list: { status: string }[]) =>
      list.every((r) => ['completed', 'failed', 'cancelled', 'blocked'].includes(r.status));

    // Kill targets in seeded order; each kill waits until an attempt run by a live worker has written
    // a seeded number of its lines (mid-step), then kills that worker (or the api) and restarts it.
    const order = [...KILL_TARGETS].sort(() => random() - 0.5);
    const kills: string[] = [];
    const deferred = new Set<number>();
    let held = false;
    for (const target of order) {
      const cut = 2 + Math.floor(random() * (GATE - 1));
      const victim = await waitFor(
        async () => {
          for (const app of [apps.api!, ...apps.workers])
            if (app.child.exitCode !== null)
              throw new Error(`${app.name} exited on its own (${app.child.exitCode}):\n${app.output()}`);
          const current = await statuses();
          if (allTerminal(current)) return 'done' as const;
          const linesOf = (attempt: Attempt) => {
            const worktree = current.find((r) => r.id === runs.get(attempt.protocol))?.worktree_path;
            const file = worktree ? join(worktree, 'work', `${attempt.step}.txt`) : null;
            return file && existsSync(file)
              ? readFileSync(file, 'utf8')
                  .split('\n')
                  .filter((line) => line.startsWith(`${attempt.pgid} `)).length
              : 0;
          };
          const all = readAttempts(dir.path);
          const live = new Set(apps.workers.map((worker) => worker.child.pid));
          // Left out (a known bug, see BETWEEN_ENGINE_AND_COMMIT): killing a worker that holds a step
          // whose engine has finished but which is not committed yet (still `running`).
          const running = new Set(
            (
              await retrying(() =>
                Promise.all(
                  [...runs].map(async ([name, id]) =>
                    (await client.listSteps(id, { limit: 100 })).items
                      .filter((step) => step.status === 'running')
                      .map((step) => `${name}/${step.step_name}`),
                  ),
                ),
              )
            ).flat(),
          );
          const uncommitted = (workerPid: number) =>
            all.some(
              (other) =>
                other.workerPid === workerPid &&
                running.has(`${other.protocol}/${other.step}.md`) &&
                all.filter((a) => a.protocol === other.protocol && a.step === other.step).at(-1) === other &&
                linesOf(other) >= LINES,
            );
          for (const attempt of all.filter((a) => live.has(a.workerPid))) {
            const lines = linesOf(attempt);
            if (lines < cut || lines >= LINES || !groupAlive(attempt.pgid)) continue;
            held = target === 'worker' && uncommitted(attempt.workerPid);
            if (held && BETWEEN_ENGINE_AND_COMMIT === 'left out') {
              deferred.add(kills.length);
              continue;
            }
            return attempt;
          }
          return null;
        },
        (value) => value !== null,
        `an attempt with ${cut} lines for kill ${kills.length + 1} (${target})`,
        300_000,
      );
      if (victim === 'done' || victim === null) break;
      if (target === 'api') {
        apps.api!.child.kill('SIGKILL');
        await apps.api!.stop(0);
        apps.api = await startApi();
        kills.push(`api@${victim.protocol}/${victim.step}:${cut}`);
      } else {
        // The worker running the attempt (its shell's parent).
        const slot = apps.workers.findIndex((worker) => worker.child.pid === victim.workerPid);
        apps.workers[slot]!.child.kill('SIGKILL');
        await apps.workers[slot]!.stop(0);
        apps.workers[slot] = await startWorker(slot);
        kills.push(
          `worker-${slot + 1}(pid ${victim.workerPid}${held ? ', holding an uncommitted finished step' : ''})@${victim.protocol}/${victim.step}:${cut}`,
        );
      }
    }

    writeFileSync(gate, '');
    console.log(
      `crash-runs ${scenario} kills: ${kills.join(', ')}; worker kills deferred (a worker held an uncommitted finished step): ${deferred.size}`,
    );
    const final = await waitFor(statuses, allTerminal, 'every protocol terminal', 600_000);
    expect({ kills, statuses: final.map((r) => [r.protocol_name, r.status]) }).toEqual({
      kills,
      statuses: PROTOCOLS.map((name) => [name, 'completed']),
    });

    // One commit per step on each protocol branch, holding the lines of that step's last attempt only.
    const attempts = readAttempts(dir.path);
    let stepCommits = 0;
    for (const name of PROTOCOLS) {
      const log = git(repo.originPath, ['log', '--format=%H %s', `main..${name}`]).split('\n');
      // Besides onboarding's starter-assets commit and the final reports commit: the plan and one per step.
      const own = log
        .map((line) => line.slice(line.indexOf(' ') + 1))
        .filter((subject) => !subject.startsWith('TasksGodzilla: onboarding') && subject !== `${name}: final reports`);
      expect({ name, kills, own, commits: own.length }).toEqual({ name, kills, own, commits: STEPS.length + 1 });
      for (const [index, step] of STEPS.entries()) {
        const commits = log
          .filter((line) => line.endsWith(` ${name}: ${step}.md [step ${index}]`))
          .map((line) => line.split(' ')[0]!);
        expect({ name, step, kills, commits: commits.length }).toEqual({ name, step, kills, commits: 1 });
        stepCommits += commits.length;
        const lines = git(repo.originPath, ['show', `${commits[0]}:work/${step}.txt`]).split('\n');
        const pgids = [...new Set(lines.map((line) => line.split(' ')[0]))];
        const last = attempts.filter((a) => a.protocol === name && a.step === step).at(-1)!;
        expect({ name, step, kills, lines: lines.length, pgids }).toEqual({
          name,
          step,
          kills,
          lines: LINES,
          pgids: [String(last.pgid)],
        });
      }
    }
    // Every killed worker's attempt was fenced (its process group killed) by the re-execution.
    expect(attempts.filter((attempt) => groupAlive(attempt.pgid))).toEqual([]);

    // The stream delivered every listed event exactly once.
    const events = await allEvents(client);
    const listed = events.map((event) => event.id);
    // Caught up, or (a lost event) the failure below names what is missing.
    await waitFor(
      async () => streamed.length,
      () => listed.every((id) => streamed.includes(id)),
      `the stream to catch up with ${listed.length} listed events`,
      60_000,
    ).catch(() => undefined);
    streamStop.abort();
    await following;
    const unique = new Set(streamed);
    const duplicates = streamed.length - unique.size;
    const apiKills = kills.filter((kill) => kill.startsWith('api')).length;
    console.log(
      `crash-runs ${scenario}: seed ${seed}, kills ${kills.length} (workers ${kills.length - apiKills}, api ${apiKills}), protocols completed ${final.filter((r) => r.status === 'completed').length}/${PROTOCOLS.length}, steps ${PROTOCOLS.length * STEPS.length}, commits ${stepCommits}, attempts ${attempts.length}, events streamed ${unique.size} = listed ${listed.length}, duplicates ${duplicates}, missing ${listed.filter((id) => !unique.has(id)).length}`,
    );
    expect(kills).toHaveLength(KILL_TARGETS.length);
    const missing = events
      .filter((event) => !unique.has(event.id))
      .map((event) => ({
        id: event.id,
        type: event.event_type,
        at: event.created_at,
        streamedBefore: streamed.filter((id) => id < event.id).length,
        streamedAfter: streamed.filter((id) => id > event.id).length,
      }));
    const outOfOrder = streamed.filter((id, index) => index > 0 && id <= streamed[index - 1]!).length;
    // On PostgreSQL too: an event whose transaction commits after a higher id's is still streamed
    // (the stream reads a gap-safe events.feed, see platform-storage's README "Event feed").
    expect({ duplicates, outOfOrder, missing, extra: [...unique].filter((id) => !listed.includes(id)) }).toEqual({
      duplicates: 0,
      outOfOrder: 0,
      missing: [],
      extra: [],
    });
  }, 1_200_000);
});
