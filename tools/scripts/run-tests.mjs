#!/usr/bin/env node
// `npm test`: lint, typecheck, build and every test suite of every project, through Nx, offline.
import { spawnSync } from 'node:child_process';
import { missingSystemPackages, missingSystemPackagesMessage } from '../testing/src/system-packages.mjs';

const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  FORCE_COLOR: process.env.FORCE_COLOR ?? '0',
};
const extra = process.argv.slice(2);

// Fail fast, in one line, before minutes of building: the e2e suites need a browser and a terminal.
const missing = missingSystemPackages({ env });
if (missing.length > 0) {
  console.error(`npm test: ${missingSystemPackagesMessage(missing, env)}`);
  process.exit(1);
}

// The format check of the files outside any project (root configs, tools/scripts, tools/demo, tools/bench);
// each project's own `lint` target checks its files too.
console.log('\n$ prettier --check .');
const format = spawnSync('npx', ['prettier', '--check', '.', '--log-level', 'warn'], { stdio: 'inherit', env });
if (format.status !== 0) {
  console.error('npm test: files are not formatted; run `npm run format`');
  process.exit(format.status ?? 1);
}

const steps = [
  ['run-many', '-t', 'lint', 'typecheck', 'build', '--outputStyle=stream', '--parallel=2', ...extra],
  ['run-many', '-t', 'test', '--outputStyle=stream', '--parallel=2', ...extra],
  ['run-many', '-t', 'e2e', '--outputStyle=stream', '--parallel=1', ...extra],
];
for (const args of steps) {
  console.log(`\n$ nx ${args.join(' ')}`);
  const result = spawnSync('npx', ['nx', ...args], { stdio: 'inherit', env });
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
}
