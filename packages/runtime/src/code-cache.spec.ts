import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Script } from 'node:vm';
import { jest } from '@jest/globals';
import { useTempDir, waitFor } from '@tasksgodzilla/testing';
import { codeCacheDirFrom, defaultCodeCacheDir, runWithCodeCache } from './code-cache.js';

// The bundle records each run in a file beside it: its __filename, __dirname, and that require works.
function bundleText(marker: string): string {
  return `(function (exports, require, module, __filename, __dirname) {
  const { appendFileSync } = require('node:fs');
  function answer(n) { return n * 2 + ${JSON.stringify(marker)}.length; }
  appendFileSync(__filename + '.runs', JSON.stringify({ file: __filename, dir: __dirname, answer: answer(20), marker: ${JSON.stringify(marker)} }) + '\\n');
  module.exports.done = true;
});
`;
}

describe('runWithCodeCache', () => {
  const temp = useTempDir('tgz-code-cache-');
  const bundle = () => join(temp.path, 'app.cjs');
  const cacheDir = () => join(temp.path, 'cache');
  const runs = () =>
    readFileSync(`${bundle()}.runs`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { file: string; dir: string; answer: number; marker: string });
  const start = (writeAfterMs = 60_000) =>
    runWithCodeCache(bundle(), { cacheDir: cacheDir(), name: 'app', writeAfterMs });
  const cacheFiles = () => readdirSync(cacheDir()).filter((name) => name.endsWith('.v8cache'));

  it('runs the bundle as a CommonJS module, compiles it without a cache the first time and writes one', () => {
    writeFileSync(bundle(), bundleText('one'));
    const first = start();
    expect(first.state).toBe('missing');
    expect(runs()).toEqual([{ file: bundle(), dir: temp.path, answer: 43, marker: 'one' }]);
    expect(first.writeNow()).toBe(true);
    expect(first.writeNow()).toBe(false);
    expect(cacheFiles()).toEqual([expect.stringMatching(/^app-[0-9a-f]{20}\.v8cache$/)]);
    expect(first.file).toBe(join(cacheDir(), cacheFiles()[0] ?? ''));
  });

  it('uses the cache of the same bundle, and writes nothing then', () => {
    writeFileSync(bundle(), bundleText('one'));
    start().writeNow();
    const second = start();
    expect(second.state).toBe('used');
    expect(second.writeNow()).toBe(false);
    expect(runs()).toHaveLength(2);
  });

  it('writes the cache by itself after writeAfterMs', async () => {
    writeFileSync(bundle(), bundleText('one'));
    start(0);
    await waitFor(
      async () => (existsSync(cacheDir()) ? cacheFiles().length : 0),
      (count) => count === 1,
      'the cache file',
    );
  });

  it('a changed bundle does not use the old cache (another file), and its cache is written beside the old one', () => {
    writeFileSync(bundle(), bundleText('one'));
    start().writeNow();
    const old = cacheFiles();
    writeFileSync(bundle(), bundleText('two'));
    const changed = start();
    expect(changed.state).toBe('missing');
    expect(runs().map((run) => run.marker)).toEqual(['one', 'two']);
    expect(changed.writeNow()).toBe(true);
    expect(cacheFiles()).toHaveLength(2);
    expect(cacheFiles()).toEqual(expect.arrayContaining(old));
  });

  it('two bundles started in turn each use their own cache', () => {
    for (const marker of ['one', 'two']) {
      writeFileSync(bundle(), bundleText(marker));
      start().writeNow();
    }
    writeFileSync(bundle(), bundleText('one'));
    expect(start().state).toBe('used');
    writeFileSync(bundle(), bundleText('two'));
    expect(start().state).toBe('used');
  });

  it("keeps the four most recently written caches of an app and removes older ones, not other apps'", () => {
    writeFileSync(join(temp.path, 'other.cjs'), bundleText('other'));
    runWithCodeCache(join(temp.path, 'other.cjs'), { cacheDir: cacheDir(), name: 'other' }).writeNow();
    const written: string[] = [];
    for (const [index, marker] of ['one', 'two', 'three', 'four', 'five'].entries()) {
      writeFileSync(bundle(), bundleText(marker));
      const file = start().file!;
      start().writeNow();
      // Each file written a minute after the one before, whatever the file system's clock resolution.
      const at = new Date(Date.UTC(2026, 0, 1, 0, index));
      utimesSync(file, at, at);
      written.push(basename(file));
    }
    expect(
      cacheFiles()
        .filter((name) => name.startsWith('app-'))
        .sort(),
    ).toEqual(written.slice(1).sort());
    expect(cacheFiles().filter((name) => name.startsWith('other-'))).toHaveLength(1);
  });

  it.each([
    [
      'a flipped byte',
      (content: Buffer) => Buffer.concat([content.subarray(0, -1), Buffer.from([content.at(-1)! ^ 0xff])]),
    ],
    ['a truncated file', (content: Buffer) => content.subarray(0, content.length >> 1)],
    ['an empty file', () => Buffer.alloc(0)],
    ['another format', (content: Buffer) => Buffer.concat([Buffer.from('XXXXXXXX'), content.subarray(8)])],
  ])(
    'a corrupt cache (%s) is not given to V8: the bundle compiles, runs and the cache is written again',
    (_, corrupt) => {
      writeFileSync(bundle(), bundleText('one'));
      const file = start().file!;
      start().writeNow();
      writeFileSync(file, corrupt(readFileSync(file)));
      const run = start();
      expect(run.state).toBe('corrupt');
      expect(runs()).toHaveLength(3);
      expect(run.writeNow()).toBe(true);
      expect(start().state).toBe('used');
    },
  );

  it('a cache V8 refuses (made for another text, digest intact) is rejected, the bundle still runs, and the cache is written again', () => {
    // Its file name is learnt from the same text at another path: V8 keeps what this process compiled
    // (per text and file name) and would not look at the cache for a text it compiled before.
    writeFileSync(join(temp.path, 'probe.cjs'), bundleText('one'));
    const file = runWithCodeCache(join(temp.path, 'probe.cjs'), { cacheDir: cacheDir(), name: 'app' }).file!;
    writeFileSync(bundle(), bundleText('one'));
    const foreign = new Script('function other(a) { return a + 1; } other(1);', { filename: 'other.js' });
    foreign.runInThisContext();
    const data = foreign.createCachedData();
    writeFileSync(file, Buffer.concat([Buffer.from('TGZV8CC1'), createHash('sha1').update(data).digest(), data]));
    const run = start();
    expect(run.state).toBe('rejected');
    expect(runs()).toHaveLength(1);
    expect(run.writeNow()).toBe(true);
    expect(start().state).toBe('used');
  });

  it('keys a settled bundle by its file identity: another file with the same text gets its own cache, and a just-written one is keyed by its text', () => {
    writeFileSync(bundle(), bundleText('one'));
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 5_000);
    try {
      const settled = start();
      expect(settled.state).toBe('missing');
      settled.writeNow();
      expect(start().state).toBe('used');
      // Replaced by another file (another inode) holding the same text: another identity, another cache.
      writeFileSync(`${bundle()}.next`, bundleText('one'));
      renameSync(`${bundle()}.next`, bundle());
      expect(start().state).toBe('missing');
    } finally {
      clock.mockRestore();
    }
    // Changed less than 2 s ago: keyed by its text, whose cache is none of the above.
    const fresh = start();
    expect(fresh.state).toBe('missing');
    fresh.writeNow();
    expect(start().state).toBe('used');
    expect(runs()).toHaveLength(5);
  });

  it('runs without a cache when the folder cannot be made or others can write into it', () => {
    writeFileSync(bundle(), bundleText('one'));
    writeFileSync(join(temp.path, 'a-file'), '');
    const blocked = runWithCodeCache(bundle(), { cacheDir: join(temp.path, 'a-file', 'cache'), name: 'app' });
    expect(blocked.state).toBe('none');
    expect(blocked.writeNow()).toBe(false);
    start().writeNow();
    chmodSync(cacheDir(), 0o777);
    expect(start().state).toBe('none');
    expect(runWithCodeCache(bundle(), { cacheDir: undefined, name: 'app' }).state).toBe('none');
    expect(runs()).toHaveLength(4);
  });
});

describe('runWithCodeCache with --enable-source-maps', () => {
  const temp = useTempDir('tgz-code-cache-maps-');
  afterEach(() => process.setSourceMapsEnabled(false));

  it("runs the bundle through Node's loader (whose stack traces are mapped) and uses no cache", () => {
    const bundle = join(temp.path, 'app.cjs');
    writeFileSync(bundle, bundleText('mapped'));
    process.setSourceMapsEnabled(true);
    const run = runWithCodeCache(bundle, { cacheDir: join(temp.path, 'cache'), name: 'app' });
    expect(run).toEqual({ state: 'none', file: undefined, writeNow: expect.any(Function) });
    expect(run.writeNow()).toBe(false);
    expect(existsSync(join(temp.path, 'cache'))).toBe(false);
    const [ran] = readFileSync(`${bundle}.runs`, 'utf8').trim().split('\n');
    expect(JSON.parse(ran ?? '')).toEqual({ file: bundle, dir: temp.path, answer: 46, marker: 'mapped' });
  });
});

describe('codeCacheDirFrom (TASKSGODZILLA_CODE_CACHE_DIR)', () => {
  it('is the default folder when unset, none for off or empty, else the folder given', () => {
    expect(codeCacheDirFrom(undefined)).toBe(defaultCodeCacheDir());
    expect(codeCacheDirFrom('off')).toBeUndefined();
    expect(codeCacheDirFrom('')).toBeUndefined();
    expect(codeCacheDirFrom('/var/cache/tgz')).toBe('/var/cache/tgz');
  });
});
