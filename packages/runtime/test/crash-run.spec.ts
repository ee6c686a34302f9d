import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalProcessGroup } from '@tasksgodzilla/platform-engines';
import { demoSpec } from '@tasksgodzilla/service-testing';
import { git } from '@tasksgodzilla/testing';
import { useCrashSuite } from './crash-suite.js';

const LINES = 20;
const STEPS = ['00-setup.md', '01-build.md', '02-docs.md'];

/**
 * Each step notes its attempt (name and pgid) outside the worktree, then writes LINES lines tagged
 * with its pgid into work/<step>.txt, one at a time. A killed worker's attempt goes on writing as an
 * orphan: any line of another pgid in a commit came from a dead attempt.
 */
function progressStep(name: string, markers: string): string {
  return `# ${name}

\`\`\`sh
mkdir -p work
echo "${name} $$" >> "${markers}/attempts"
i=0
while [ $i -lt ${LINES} ]; do echo "$$ line $i" >> "work/${name}.txt"; i=$((i+1)); sleep 0.05; done
\`\`\`
`;
}

function attempts(markers: string): { step: string; pgid: number }[] {
  const path = join(markers, 'attempts');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [step, pgid] = line.split(' ');
      return { step: step!, pgid: Number(pgid) };
    });
}

describe('crash run: worker processes SIGKILLed at random points of a protocol (SQLite, embedded queue)', () => {
  const suite = useCrashSuite((markers) => attempts(markers).map((attempt) => attempt.pgid));

  it('every step is committed once, with only its successful attempt’s output', async () => {
    // Bounded by the state waits below (no sleeps); the default 30 s is short for several runtimes.
    const h = await suite.open('tgz-crash-run-', { config: { leaseSeconds: 2, jobMaxAttempts: 10 } });
    const markers = suite.markers;
    const files = Object.fromEntries(STEPS.map((name) => [name, progressStep(name.replace(/\.md$/, ''), markers)]));
    const run = await h.startRun({
      protocol_name: '0001-crash-run',
      template: h.template(files),
      auto_advance: true,
      template_config: { protocol_spec: demoSpec(Object.fromEntries(STEPS.map((name) => [name, { qa: 'skip' }]))) },
    });

    // Three workers in turn, each killed in a random step (in protocol order) after a random number of lines.
    const targets = [0, 1, 2].map(() => Math.floor(Math.random() * STEPS.length)).sort();
    const kills: string[] = [];
    for (const targetIndex of targets) {
      const targetStep = STEPS[targetIndex]!.replace(/\.md$/, '');
      const seen = attempts(markers).length;
      const worker = suite.startWorker();
      // Mid-step (well before its last line), where a dead attempt can leak into the next one's commit.
      const cut = 1 + Math.floor(Math.random() * (LINES / 2));
      const target = await h.waitFor(
        async () => {
          if (worker.proc.exitCode !== null) throw new Error(`worker exited early: ${worker.stderr()}`);
          const last = attempts(markers).slice(seen).at(-1);
          if (!last || last.step !== targetStep) return null;
          const worktree = (await h.run(run.id)).worktree_path;
          const file = worktree ? join(worktree, 'work', `${last.step}.txt`) : null;
          const lines =
            file && existsSync(file)
              ? readFileSync(file, 'utf8')
                  .split('\n')
                  .filter((line) => line.startsWith(`${last.pgid} `)).length
              : 0;
          return lines >= cut ? last : null;
        },
        (value) => value !== null,
        120_000,
      );
      // Worker and spawn helper at once: what the step left running is the next attempt's to clean up.
      await worker.killWithHelper();
      kills.push(`${target!.step}@${cut}`);
      if ((await h.run(run.id)).status === 'completed') break;
    }

    h.worker.start();
    const done = await h.settled(run.id, 180_000);
    await h.worker.stop();
    expect({ status: done.status, kills }).toEqual({ status: 'completed', kills });

    const branch = done.branch_name ?? '0001-crash-run';
    const subjects = git(h.repo.path, ['log', '--format=%s', `main..${branch}`])
      .split('\n')
      .filter((s) => s.includes('[step '));
    for (const [index, name] of STEPS.entries()) {
      const step = name.replace(/\.md$/, '');
      expect(subjects.filter((s) => s === `0001-crash-run: ${name} [step ${index}]`)).toHaveLength(1);
      const lines = git(h.repo.path, ['show', `${branch}:work/${step}.txt`]).split('\n');
      const pgids = new Set(lines.map((line) => line.split(' ')[0]));
      const last = attempts(markers)
        .filter((a) => a.step === step)
        .at(-1)!;
      expect({ step, kills, lines: lines.length, pgids: [...pgids] }).toEqual({
        step,
        kills,
        lines: LINES,
        pgids: [String(last.pgid)],
      });
    }
    for (const attempt of attempts(markers)) expect(signalProcessGroup(attempt.pgid, 0)).toBe(false);
  }, 600_000);
});
