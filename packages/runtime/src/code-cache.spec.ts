import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runInThisContext, Script } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { jest } from '@jest/globals';
import { useTempDir, waitFor } from '@tasksgodzilla/testing';
import { codeCacheDirFrom, defaultCodeCacheDir, runWithCodeCache } from './code-cache.js';

// The bundle records each run in a file beside it: its __filename, __dirname, and that require works. Its
// text leaves its function where the launcher takes it, as the apps' banner does (tsup-preset.mjs).
function bundleText(marker: string): string {
  return `(globalThis[Symbol.for('tasksgodzilla.bundle')] = function (exports, require, module, __filename, __dirname) {
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
    // The function the text left for the loader path is taken out again.
    expect(runInThisContext("globalThis[Symbol.for('tasksgodzilla.bundle')]")).toBeUndefined();
    expect(first.writeNow()).toBe(true);
    expect(first.writeNow()).toBe(false);
    // Node's version, the architecture and the bundle file's identity (device, inode, size, times).
    expect(cacheFiles()).toEqual([
      expect.stringMatching(/^app-v\d+\.\d+\.\d+-[a-z0-9]+-(f\d+(-\d+){4}|c[0-9a-f]{24})\.v8cache$/),
    ]);
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
    ['a truncated header', (content: Buffer) => content.subarray(0, 5)],
    ['an empty file', () => Buffer.alloc(0)],
    ['another format', (content: Buffer) => Buffer.concat([Buffer.from('XXXXXXXX'), content.subarray(8)])],
    [
      'the format before V8 checked its checksum',
      (content: Buffer) => Buffer.concat([Buffer.from('TGZV8CC1'), content.subarray(8)]),
    ],
  ])(
    'a file that is not a cache of this format (%s) is not given to V8: the bundle compiles, runs and the cache is written again',
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

  // V8 keeps what an isolate compiled (per text and file name) and would not look at a cache for a text
  // it compiled before, so each case's cache is made by a worker thread (an isolate of its own), as the
  // launcher makes it (V8's checksum on), for a text of its own, into the file this process would read
  // (learnt from the same text at another path).
  const cacheMadeElsewhere = async (text: string): Promise<string> => {
    writeFileSync(join(temp.path, 'probe.cjs'), text);
    const file = runWithCodeCache(join(temp.path, 'probe.cjs'), { cacheDir: cacheDir(), name: 'app' }).file!;
    writeFileSync(bundle(), text);
    const maker = new Worker(
      `const { bundle, file } = require('node:worker_threads').workerData;
       const v8 = require('node:v8');
       v8.setFlagsFromString('--verify-snapshot-checksum');
       try {
         const script = new (require('node:vm').Script)(require('node:fs').readFileSync(bundle, 'latin1'), { filename: bundle });
         require('node:fs').writeFileSync(file, Buffer.concat([Buffer.from('TGZV8CC2'), script.createCachedData()]));
       } finally {
         v8.setFlagsFromString('--no-verify-snapshot-checksum');
       }`,
      { eval: true, workerData: { bundle: bundle(), file } },
    );
    const exitCode = await new Promise<number>((resolve, reject) => {
      maker.once('error', reject);
      maker.once('exit', resolve);
    });
    expect(exitCode).toBe(0);
    return file;
  };

  it('a cache made by another isolate with the checksum is taken', async () => {
    await cacheMadeElsewhere(bundleText('intact'));
    expect(start().state).toBe('used');
  });

  it.each([
    ['its first byte after the header', (_length: number) => 8],
    ['a byte in the middle', (length: number) => 8 + ((length - 8) >> 1)],
    ['its last byte', (length: number) => length - 1],
    ['a truncated tail', (length: number) => -(length >> 2)],
  ])(
    'a damaged cache (%s) is refused by V8 by its checksum: the bundle compiles, runs and the cache is written again',
    async (name, where) => {
      const file = await cacheMadeElsewhere(bundleText(`damaged: ${name}`));
      const content = readFileSync(file);
      const at = where(content.length);
      if (at < 0) writeFileSync(file, content.subarray(0, content.length + at));
      else {
        content[at] = content[at]! ^ 0x5a;
        writeFileSync(file, content);
      }
      const run = start();
      expect(run.state).toBe('rejected');
      expect(runs().map((entry) => entry.marker)).toEqual([`damaged: ${name}`]);
      expect(run.writeNow()).toBe(true);
      expect(start().state).toBe('used');
    },
  );

  it('a cache V8 refuses (made for another text) is rejected, the bundle still runs, and the cache is written again', () => {
    // Its file name is learnt from the same text at another path: V8 keeps what this process compiled
    // (per text and file name) and would not look at the cache for a text it compiled before.
    writeFileSync(join(temp.path, 'probe.cjs'), bundleText('one'));
    const file = runWithCodeCache(join(temp.path, 'probe.cjs'), { cacheDir: cacheDir(), name: 'app' }).file!;
    writeFileSync(bundle(), bundleText('one'));
    const foreign = new Script('function other(a) { return a + 1; } other(1);', { filename: 'other.js' });
    foreign.runInThisContext();
    writeFileSync(file, Buffer.concat([Buffer.from('TGZV8CC2'), foreign.createCachedData()]));
    const run = start();
    expect(run.state).toBe('rejected');
    expect(runs()).toHaveLength(1);
    expect(run.writeNow()).toBe(true);
    expect(start().state).toBe('used');
  });

  it('leaves the checksum flag off after a start: a code cache made without it is still taken', () => {
    writeFileSync(bundle(), bundleText('one'));
    start().writeNow();
    expect(start().state).toBe('used');
    // V8 hashes its flags into every code cache: were the flag left on, this plain round trip would be refused.
    const source = 'function plain(a) { return a * 3; } plain(2);';
    const made = new Script(source, { filename: 'plain.js' });
    made.runInThisContext();
    const taken = new Script(source, { filename: 'plain-again.js', cachedData: made.createCachedData() });
    expect(taken.cachedDataRejected).toBe(false);
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
    expect(runInThisContext("globalThis[Symbol.for('tasksgodzilla.bundle')]")).toBeUndefined();
  });

  it('compiles the text unchanged: a stack trace names the column of the line as written', () => {
    const bundle = join(temp.path, 'thrower.cjs');
    writeFileSync(
      bundle,
      `(globalThis[Symbol.for('tasksgodzilla.bundle')] = function (exports, require) { require('node:fs').writeFileSync(__filename + '.trace', new Error('here').stack); });`,
    );
    process.setSourceMapsEnabled(true);
    runWithCodeCache(bundle, { cacheDir: join(temp.path, 'cache'), name: 'app' });
    const column = readFileSync(bundle, 'utf8').indexOf("new Error('here')") + 1;
    expect(readFileSync(`${bundle}.trace`, 'utf8')).toContain(`${bundle}:1:${column}`);
  });

  it('refuses a file whose text leaves no function', () => {
    const bundle = join(temp.path, 'plain.cjs');
    writeFileSync(bundle, 'const nothing = 1;\n');
    process.setSourceMapsEnabled(true);
    expect(() => runWithCodeCache(bundle, { cacheDir: undefined, name: 'app' })).toThrow(
      `${bundle} is not an app bundle: its text gives no function`,
    );
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
