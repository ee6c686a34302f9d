#!/usr/bin/env node
// One offline round of the shell engine on a temp repository: plan from the demo template, write the
// protocol files into a protocol worktree, then for each step: execute, QA, commit; finally push.
// Prints the outcome of each phase, the usage and the commit made. Run `npm run build` first.
//   node tools/scripts/shell-engine-round.mjs [--keep]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createShellEngine } from '@tasksgodzilla/platform-engines';
import { createGitService } from '@tasksgodzilla/platform-git';

const keep = process.argv.includes('--keep');
const template = fileURLToPath(new URL('../demo/template/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tgz-shell-round-'));
const identity = { name: 'TasksGodzilla Round', email: 'round@tasksgodzilla.invalid' };
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: identity.name,
  GIT_AUTHOR_EMAIL: identity.email,
  GIT_COMMITTER_NAME: identity.name,
  GIT_COMMITTER_EMAIL: identity.email,
};
const sh = (cwd, ...args) =>
  execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function usageText(result) {
  const u = result.usage;
  const tokens = u ? `${u.total_tokens} tokens (in ${u.input_tokens}, out ${u.output_tokens})` : 'no usage reported';
  return `${tokens}, cost ${result.cost_usd === null ? 'not reported' : `$${result.cost_usd.toFixed(4)}`}`;
}

let exitCode = 0;
try {
  const origin = join(root, 'origin.git');
  const repo = join(root, 'repo');
  sh(root, 'init', '--bare', '-b', 'main', origin);
  mkdirSync(repo);
  sh(repo, 'init', '-b', 'main');
  writeFileSync(join(repo, 'README.md'), '# round\n');
  // The demo template's steps expect a Node package at the repository root.
  writeFileSync(
    join(repo, 'package.json'),
    `${JSON.stringify({ name: 'round', version: '0.1.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  sh(repo, 'add', '-A');
  sh(repo, 'commit', '-m', 'initial commit');
  sh(repo, 'remote', 'add', 'origin', origin);
  sh(repo, 'push', '-u', 'origin', 'main');

  const git = createGitService({
    projectsRoot: join(root, 'projects'),
    githubApiUrl: 'http://127.0.0.1:9',
    gitlabApiUrl: 'http://127.0.0.1:9',
    identity,
    env: gitEnv,
  });
  const engine = createShellEngine();
  const worktree = await git.ensureWorktree({ repoPath: repo, protocolName: '0001-round', baseBranch: 'main' });
  const protocolRoot = join(worktree.path, '.protocols', '0001-round');
  const logPath = join(root, 'runs', 'round.log');

  const plan = await engine.plan({ prompt: '', workingDir: worktree.path, templateDir: template, logPath });
  console.log(
    `plan     ${plan.outcome}: ${plan.structured_output?.step_files?.length ?? 0} step files; ${usageText(plan)}`,
  );
  if (plan.outcome !== 'succeeded') throw new Error(`planning ${plan.outcome}: ${plan.reason}`);
  mkdirSync(protocolRoot, { recursive: true });
  const planning = plan.structured_output;
  writeFileSync(join(protocolRoot, 'plan.md'), planning.plan_md);
  writeFileSync(join(protocolRoot, 'context.md'), planning.context_md);
  writeFileSync(join(protocolRoot, 'log.md'), planning.log_md);
  for (const file of planning.step_files) writeFileSync(join(protocolRoot, file.filename), file.content);

  let failed = false;
  for (const step of planning.step_files) {
    const stepFile = join(protocolRoot, step.filename);
    const execute = await engine.execute({ prompt: '', workingDir: worktree.path, stepFile, logPath });
    const qa = await engine.qa({ prompt: '', workingDir: worktree.path, stepFile, logPath });
    const verdict = /Verdict:\s*(PASS|FAIL)/i.exec(qa.final_message ?? '')?.[1]?.toUpperCase() ?? 'none';
    const commit = await git.commitAll({ repoPath: worktree.path, message: `0001-round: ${step.filename}` });
    console.log(
      `step     ${step.filename}: execute ${execute.outcome}, qa ${qa.outcome} verdict ${verdict}; ${usageText(execute)}`,
    );
    console.log(
      `commit   ${commit.committed ? `${commit.sha.slice(0, 12)} on ${worktree.branch}, ${commit.files.length} files` : 'nothing to commit'}`,
    );
    if (execute.outcome !== 'succeeded' || verdict !== 'PASS' || !commit.committed) failed = true;
  }
  const push = await git.push({ repoPath: worktree.path, branch: worktree.branch });
  console.log(
    `push     ${push.pushed ? `pushed ${push.branch} to origin: ${sh(origin, 'rev-list', '--count', `main..${push.branch}`)} commits ahead of main` : `not pushed (${push.reason})`}`,
  );
  if (failed) exitCode = 1;
  console.log(`log      ${logPath}`);
} catch (error) {
  console.error(`shell-engine round failed: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  if (keep) console.log(`kept     ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
process.exit(exitCode);
