#!/usr/bin/env node
// The system (Debian) packages the two set-up commands need beyond Node and npm, defined once:
// `npm test` checks them before anything runs (one clear line when one is missing), `.ci/run`
// installs the missing ones (`--install`), and the e2e suites use the same paths.
//
//   node tools/testing/src/system-packages.mjs --check     exit 1 with one line when something is missing
//   node tools/testing/src/system-packages.mjs --install   apt-get update once, then install what is missing
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the browser suites look for Debian's chromium; `TGZ_CHROMIUM_PATH` points them elsewhere. */
export function chromiumPath(env = process.env) {
  return env.TGZ_CHROMIUM_PATH || '/usr/bin/chromium';
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable called `name` on the PATH of `env`, or null. */
export function findOnPath(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

function debianPackageInstalled(name, env) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { env, encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

/**
 * Every system package, what needs it and how to tell it is there. `required` ones make `npm test`
 * fail fast when absent; the others (fonts) only change how screenshots look, so only CI installs them.
 */
export const SYSTEM_PACKAGES = [
  {
    name: 'git',
    debian: 'git',
    neededBy: 'every suite and the demo',
    required: true,
    present: (env) => findOnPath('git', env) !== null,
  },
  {
    name: 'chromium',
    debian: 'chromium',
    neededBy: 'the console e2e suite',
    required: true,
    present: (env) => isExecutable(chromiumPath(env)),
    where: (env) => chromiumPath(env),
  },
  {
    name: 'tmux',
    debian: 'tmux',
    neededBy: 'the TUI e2e test',
    required: true,
    present: (env) => findOnPath('tmux', env) !== null,
  },
  {
    name: 'fonts-dejavu-core',
    debian: 'fonts-dejavu-core',
    neededBy: 'console screenshots',
    required: false,
    present: (env) => debianPackageInstalled('fonts-dejavu-core', env),
  },
  {
    name: 'fonts-liberation',
    debian: 'fonts-liberation',
    neededBy: 'console screenshots',
    required: false,
    present: (env) => debianPackageInstalled('fonts-liberation', env),
  },
];

/** The packages of `SYSTEM_PACKAGES` that are absent (only the required ones unless `all`). */
export function missingSystemPackages({ env = process.env, all = false } = {}) {
  return SYSTEM_PACKAGES.filter((pkg) => (all || pkg.required) && !pkg.present(env));
}

/** One line naming what is missing, what needs it and the command that installs it. */
export function missingSystemPackagesMessage(missing, env = process.env) {
  const names = missing
    .map((pkg) => `${pkg.name} (${pkg.where ? `${pkg.where(env)}, ` : ''}for ${pkg.neededBy})`)
    .join(', ');
  const debs = [
    ...new Set([
      ...missing.map((pkg) => pkg.debian),
      ...SYSTEM_PACKAGES.filter((pkg) => !pkg.required).map((pkg) => pkg.debian),
    ]),
  ].join(' ');
  return `missing system packages: ${names}; install them with \`apt-get update && apt-get install -y --no-install-recommends ${debs}\` (as root; \`bash .ci/run\` does it)`;
}

/** Throws with the one-line message when any of the named packages is missing. */
export function assertSystemPackages(names, env = process.env) {
  const missing = SYSTEM_PACKAGES.filter((pkg) => names.includes(pkg.name) && !pkg.present(env));
  if (missing.length > 0) throw new Error(missingSystemPackagesMessage(missing, env));
}

function apt(args) {
  const result = spawnSync('apt-get', args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** Installs every absent package (fonts included) with apt-get; prints what it did and how long it took. */
export function installSystemPackages(env = process.env) {
  const missing = missingSystemPackages({ env, all: true });
  if (missing.length === 0) {
    console.log('system packages: all present (git, chromium, tmux, fonts)');
    return;
  }
  const debs = missing.map((pkg) => pkg.debian);
  console.log(`system packages: installing ${debs.join(' ')}`);
  const started = Date.now();
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '--no-install-recommends', ...debs]);
  const still = missingSystemPackages({ env, all: true });
  if (still.length > 0)
    throw new Error(`still missing after apt-get install: ${still.map((pkg) => pkg.name).join(', ')}`);
  console.log(`system packages: installed ${debs.join(' ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const mode = process.argv[2];
  try {
    if (mode === '--install') {
      installSystemPackages();
    } else if (mode === '--check') {
      const missing = missingSystemPackages();
      if (missing.length > 0) {
        console.error(missingSystemPackagesMessage(missing));
        process.exit(1);
      }
    } else {
      console.error('usage: system-packages.mjs --check | --install');
      process.exit(2);
    }
  } catch (error) {
    console.error(`system packages: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
