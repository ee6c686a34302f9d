import { isAscii } from 'node:buffer';
import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire, Module } from 'node:module';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { basename, dirname, join } from 'node:path';
import { constants as vmConstants, runInThisContext, Script } from 'node:vm';
import { sha256Hex } from '@tasksgodzilla/core';

// Node 20 keeps no compiled code between starts (module.enableCompileCache came with Node 22), and
// compiling the apps' bundles was most of their start (issue 12). The launcher compiles the CommonJS
// bundle as a vm.Script with V8's code cache of the previous start, and writes that cache once per
// bundle version.

/** The environment variable that moves the code cache (a folder) or turns it off (`off` or empty). */
export const CODE_CACHE_DIR_VARIABLE = 'TASKSGODZILLA_CODE_CACHE_DIR';

/** Where the code cache goes when TASKSGODZILLA_CODE_CACHE_DIR is not set: one folder per user. */
export function defaultCodeCacheDir(): string {
  return join(tmpdir(), `tasksgodzilla-code-cache-${process.getuid?.() ?? 'user'}`);
}

/** The cache folder TASKSGODZILLA_CODE_CACHE_DIR asks for: its value, the default when unset, none for `off` or empty. */
export function codeCacheDirFrom(value: string | undefined): string | undefined {
  if (value === undefined) return defaultCodeCacheDir();
  return value === '' || value === 'off' ? undefined : value;
}

export interface CodeCacheOptions {
  /** The folder holding the cache; undefined runs the bundle without one. */
  cacheDir: string | undefined;
  /** Names the cache files (`<name>-<key>.v8cache`); one name per app. */
  name: string;
  /** How long after start the cache is written (it holds what was compiled by then), at exit if sooner; 3000 by default. */
  writeAfterMs?: number;
}

/**
 * What this start did with the cache: `used` (V8 took it), `missing` (no file for this bundle and Node),
 * `corrupt` (not a cache file of this format), `rejected` (V8 refused it: made by another V8 or for
 * another text, or its checksum does not match its bytes), `none` (no usable
 * folder, or source-mapped stack traces asked for: see runThroughLoader). After `missing`, `corrupt`
 * and `rejected` the cache is written later (`writeNow` or its timer).
 */
export interface CodeCacheRun {
  readonly state: 'used' | 'missing' | 'corrupt' | 'rejected' | 'none';
  /** The cache file of this bundle (undefined without a usable folder). */
  readonly file: string | undefined;
  /** Writes the cache now if it is still to be written; true when a file was written. */
  writeNow(): boolean;
}

const MAGIC = Buffer.from('TGZV8CC2');

/**
 * Runs `work` with V8's code-cache checksum on: a cache made so carries a checksum of its bytes, and V8
 * refuses one whose bytes no longer match it (without it V8 checks none: a flipped byte crashed the
 * process or went unnoticed in a trial on Node 20). It is V8's own, so no digest of ours needs
 * node:crypto, whose loading initialises OpenSSL (about 0.7 MiB of an idle worker's RSS, issue 12). The flag
 * is off again afterwards: V8 hashes its flags into every code cache, and with it on the code caches
 * built into Node for its own modules are refused (20 ms more to load a few of them, in a trial).
 */
function withCacheChecksum<T>(work: () => T): T {
  setFlagsFromString('--verify-snapshot-checksum');
  try {
    return work();
  } finally {
    setFlagsFromString('--no-verify-snapshot-checksum');
  }
}

/**
 * Runs the CommonJS bundle `file`, whose text is one function expression of (exports, require, module,
 * __filename, __dirname) (a CommonJS module as Node's loader wraps it; tools/scripts/tsup-preset.mjs
 * builds the apps' so), called with those of a CommonJS module at `file`. Compiled with the code cache
 * in `cacheDir` when there is a valid one; a missing, stale (another bundle text or Node version gives
 * another file name), corrupt or rejected cache means an ordinary compile, and the cache is then written
 * after `writeAfterMs` or at exit, whichever comes first. A folder that cannot be made, is not the
 * user's own or is writable by others is not used (a cache is code this process would run).
 */
export function runWithCodeCache(file: string, options: CodeCacheOptions): CodeCacheRun {
  if (process.sourceMapsEnabled) return runThroughLoader(file);
  const { script, state, cacheFile } = compile(file, options);
  let pending = state !== 'used' && state !== 'none';
  let timer: NodeJS.Timeout | undefined;
  const writeNow = (): boolean => {
    if (!pending || cacheFile === undefined) return false;
    pending = false;
    clearTimeout(timer);
    process.removeListener('exit', writeNow);
    return writeCache(
      cacheFile,
      options.name,
      withCacheChecksum(() => script.createCachedData()),
    );
  };
  if (pending) {
    process.once('exit', writeNow);
    timer = setTimeout(writeNow, options.writeAfterMs ?? 3000).unref();
  }
  const run = bundleFunction(file, script.runInThisContext());
  const module = { exports: {}, filename: file, id: '.', loaded: false };
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { state, file: cacheFile, writeNow };
}

/**
 * Reads and compiles the bundle. Its bytes and the cache's (3.5 MiB for the worker, 5 MiB for the api)
 * are this function's only: unreachable once it returns, they are freed by the bundle's first young
 * collections instead of living on in the old generation of an idle process (issue 12).
 */
function compile(
  file: string,
  options: CodeCacheOptions,
): { script: Script; state: CodeCacheRun['state']; cacheFile: string | undefined } {
  const { bytes, identity } = readBundle(file);
  const dir = options.cacheDir !== undefined && ownedFolder(options.cacheDir) ? options.cacheDir : undefined;
  const cacheFile = dir === undefined ? undefined : join(dir, `${options.name}-${cacheKey(bytes, identity)}.v8cache`);
  const cached = cacheFile === undefined ? undefined : readCache(cacheFile);
  const text = sourceText(bytes);
  const compileIt = () =>
    new Script(text, {
      filename: file,
      ...(cached instanceof Buffer ? { cachedData: cached } : {}),
      importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
  const script = cached instanceof Buffer ? withCacheChecksum(compileIt) : compileIt();
  let state: CodeCacheRun['state'] = 'none';
  if (cached instanceof Buffer) state = script.cachedDataRejected ? 'rejected' : 'used';
  else if (typeof cached === 'string') state = cached;
  return { script, state, cacheFile };
}

/**
 * A file's identity: device, inode, size and the modification and change times in nanoseconds. A
 * rebuild writes the file (new mtime and ctime, often a new inode); copies that keep the mtime (`cp -p`,
 * `tar x`, `rsync -t`) still get a new ctime, which no one can set. undefined when the file changed
 * less than SETTLED_AFTER_NS before it was read: two writes within one tick of the file system's clock
 * (a coarse one, 1 to 10 ms on Linux) can leave the same identity, so a just-written file is keyed by its
 * content instead.
 */
type FileIdentity = string | undefined;

/** How long after its last change a file's identity is trusted as its key (2 s, well above any clock tick of a local file system). */
const SETTLED_AFTER_NS = 2_000_000_000n;

/** The bundle's bytes and identity, both taken from one open file (a file replaced in between cannot mix them). */
function readBundle(file: string): { bytes: Buffer; identity: FileIdentity } {
  const fd = openSync(file, 'r');
  try {
    const stat = fstatSync(fd, { bigint: true });
    const bytes = Buffer.allocUnsafe(Number(stat.size));
    let read = 0;
    while (read < bytes.length) {
      const count = readSync(fd, bytes, read, bytes.length - read, read);
      if (count === 0) break;
      read += count;
    }
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const settled = read === bytes.length && nowNs - stat.ctimeNs >= SETTLED_AFTER_NS;
    const identity = settled ? `${stat.dev}-${stat.ino}-${stat.size}-${stat.mtimeNs}-${stat.ctimeNs}` : undefined;
    return { bytes: read === bytes.length ? bytes : bytes.subarray(0, read), identity };
  } finally {
    closeSync(fd);
  }
}

/**
 * The cache file's key: Node's version, the architecture and the bundle's identity (`f…`), or the
 * SHA-256 of its bytes while it has none (`c…`, just written). V8 checks that a cache belongs to the
 * source by its length only, so the key alone keeps another text of the same length from running the
 * old bytecode. The identity itself is the key, not a hash of it: a start of a settled bundle hashes
 * nothing (issue 12; README "Start-up code cache").
 */
function cacheKey(bytes: Buffer, identity: FileIdentity): string {
  const node = `${process.version}-${process.arch}`;
  return identity === undefined ? `${node}-c${sha256Hex(bytes).slice(0, 24)}` : `${node}-f${identity}`;
}

/**
 * The bundle's text. tsupAppPreset writes it in ASCII only, whose bytes are its Latin-1 text: decoding
 * them so is a copy, where UTF-8 validates each byte (7 ms of the worker's start for 2 MB, issue 12).
 */
function sourceText(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/**
 * Where a bundle's text also leaves its function (tools/scripts/tsup-preset.mjs writes the same key in
 * the apps' banner), so that Node's loader can compile the text unchanged (runThroughLoader).
 */
const BUNDLE_GLOBAL = Symbol.for('tasksgodzilla.bundle');

/**
 * The bundle's function: the one its text left in BUNDLE_GLOBAL (taken out again), else the text's
 * value (a bare function expression).
 */
function bundleFunction(file: string, value: unknown): (...args: unknown[]) => void {
  // The global object of the context the text ran in (Node's main one; a test runner may run this module in another).
  const globals = runInThisContext('globalThis') as Record<symbol, unknown>;
  const left = globals[BUNDLE_GLOBAL];
  delete globals[BUNDLE_GLOBAL];
  const run = left ?? value;
  if (typeof run !== 'function') throw new Error(`${file} is not an app bundle: its text gives no function`);
  return run as (...args: unknown[]) => void;
}

/**
 * With --enable-source-maps Node 20 maps the stack traces of code its own CommonJS loader compiled only
 * (not a vm.Script's), so the bundle goes through the loader, without a cache. The text is compiled
 * unchanged, so every column of its one long line (the apps' bundles are minified) stays where its
 * source map says; the function is the one the text left in BUNDLE_GLOBAL.
 */
function runThroughLoader(file: string): CodeCacheRun {
  const loader = new Module(file) as Module & { _compile(text: string, filename: string): void };
  loader.filename = file;
  loader.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  loader._compile(readFileSync(file, 'utf8'), file);
  const module = { exports: {}, filename: file, id: '.', loaded: false };
  bundleFunction(file, undefined).call(
    module.exports,
    module.exports,
    createRequire(file),
    module,
    file,
    dirname(file),
  );
  return { state: 'none', file: undefined, writeNow: () => false };
}

/** The folder exists or was made, is a real folder of this user, and no one else can write into it. */
function ownedFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    const uid = process.getuid?.();
    return stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/**
 * The cache's bytes when the file is there and is a cache file of this format; whether the bytes are
 * intact is V8's checksum's to tell (withCacheChecksum).
 */
function readCache(file: string): Buffer | 'missing' | 'corrupt' {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch {
    return 'missing';
  }
  if (content.length <= MAGIC.length || !content.subarray(0, MAGIC.length).equals(MAGIC)) return 'corrupt';
  return content.subarray(MAGIC.length);
}

/** Writes the cache through a temporary file and a rename (starts running at once never read half a file), then removes the app's older caches. */
/**
 * How many caches of one app a folder keeps: the one just written and the most recently written others.
 * Several builds of an app started in turn on one machine (two checkouts, a rollback, the api and worker
 * of two branches compared side by side) then each keep theirs: with one file per app, each start of one
 * removed the other's, and every start compiled the whole bundle (issue 12: 1.31 billion instructions to
 * the worker's first listen instead of 0.93).
 */
const CACHES_KEPT = 4;

/** Removes `name`'s caches in `dir` but `current` and the CACHES_KEPT - 1 most recently written others. */
function removeOldCaches(dir: string, name: string, current: string): void {
  const others = readdirSync(dir)
    .filter((entry) => entry !== current && entry.startsWith(`${name}-`) && entry.endsWith('.v8cache'))
    .map((entry) => ({ entry, written: writtenAt(join(dir, entry)) }))
    .sort((a, b) => b.written - a.written);
  for (const { entry } of others.slice(CACHES_KEPT - 1)) rmSync(join(dir, entry), { force: true });
}

function writtenAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function writeCache(file: string, name: string, data: Buffer): boolean {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([MAGIC, data]), { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing more to do in a folder we cannot write.
    }
    return false;
  }
  try {
    removeOldCaches(dirname(file), name, basename(file));
  } catch {
    // Older caches only take room; the next write tries again.
  }
  return true;
}
