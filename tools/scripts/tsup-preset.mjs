// The one tsup build setting of every package and app: ESM for Node 20, declarations built from the
// sources (the `@tasksgodzilla/source` export condition), source maps, a clean dist/.
import { existsSync } from 'node:fs';
import { chmod, cp, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defineConfig } from 'tsup';

const SOURCE_CONDITION = ['@tasksgodzilla/source'];

/**
 * `entry` defaults to `src/index.ts` (the package's public API). An app adds `src/main.ts`; declarations
 * are built for `src/index.ts` only. `bin: 'dist/main.js'` marks that output as an executable script.
 * `copy: [{ from, to, sourceMaps }]` copies folders into the output after the build (the api ships the
 * built console inside its own dist); a missing `from` fails the build. `sourceMaps: false` leaves the
 * `.map` files out (the console's point into node_modules, which a tarball does not hold).
 */
export function tsupPreset({ entry = ['src/index.ts'], bin, copy = [] } = {}) {
  const afterBuild = async () => {
    if (bin) await chmod(bin, 0o755);
    await copyFolders(copy);
  };
  return defineConfig({
    entry,
    format: ['esm'],
    dts: { entry: 'src/index.ts', compilerOptions: { customConditions: SOURCE_CONDITION } },
    tsconfig: 'tsconfig.lib.json',
    target: 'node20',
    sourcemap: true,
    // esbuild renames a class that refers to itself (`class _ValidationError`); AppError's name comes
    // from `new.target.name`, so without this the published errors were called `_ValidationError`.
    keepNames: true,
    clean: true,
    ...(bin ? { banner: { js: '#!/usr/bin/env node' } } : {}),
    ...(bin || copy.length > 0 ? { onSuccess: afterBuild } : {}),
  });
}

async function copyFolders(copy) {
  for (const { from, to, sourceMaps = true } of copy) {
    if (!existsSync(from)) throw new Error(`tsup-preset: ${from} does not exist (build it first)`);
    await cp(from, to, { recursive: true, filter: (source) => sourceMaps || !source.endsWith('.map') });
  }
}

/** tsup `clean` patterns that keep the copied folders (`dist/console` → `!console`, `!console/**`). */
function keepCopied(copy) {
  return copy.flatMap(({ to }) => {
    const name = to.replace(/^dist\//, '');
    return [`!${name}`, `!${name}/**`];
  });
}

/**
 * What an app bundles into its `dist/main.js`: the workspace packages and the ESM libraries made of
 * hundreds of small files (kysely, zod). Node then reads and compiles one file at start instead of
 * several hundred (issue 12: start time and idle memory). Every other package stays external, except
 * the ones importing zod (fastify-type-provider-zod): external, they would load a second zod.
 */
const APP_BUNDLED = [/^@tasksgodzilla\//, 'kysely', 'zod', 'fastify-type-provider-zod'];

/**
 * CommonJS libraries every start loads that are made of many files: prom-client and what it requires
 * (@opentelemetry/api alone is 51 files), and fastify with the dependencies its start requires (about 140
 * files, semver alone 47: resolving, reading and wrapping each cost the api ~120 ms of CPU at start,
 * issue 12). Bundled, their `require` of Node's modules and of the packages left external is the bundle's
 * own (a CommonJS module's, given by the launcher); what fastify requires only when asked
 * (ajv and fast-json-stringify's compilers, light-my-request for `inject`) stays external, so it is still
 * loaded only then. pino and its ~30 files too: the loggers here write to a stream or a file descriptor,
 * never through pino's transports (worker threads started from a file found by path, which a bundle would
 * break). better-sqlite3's 12 files of JavaScript too (7 ms of every start resolving and compiling them,
 * issue 12); its native addon stays outside, opened by its path (platform-storage `openDatabase` passes
 * `nativeBinding`, so the bundled library never calls its `bindings` search). The startup-modules e2e of
 * apps/api tells from the files Node loaded which external libraries a process started.
 */
const APP_BUNDLED_CJS = [
  /^(prom-client|@opentelemetry\/api|tdigest|bintrees)(\/|$)/,
  /^(fastify|find-my-way|avvio|semver|ret|safe-regex2|fast-querystring|fast-decode-uri-component|toad-cache)(\/|$)/,
  /^(ipaddr\.js|@fastify\/(proxy-addr|forwarded|error)|process-warning|rfdc|secure-json-parse|fastq|reusify)(\/|$)/,
  /^(abstract-logging|fast-deep-equal)(\/|$)/,
  /^better-sqlite3(\/lib\/|$)/,
  /^(pino|pino-std-serializers|@pinojs\/redact|sonic-boom|thread-stream|safe-stable-stringify)(\/|$)/,
  /^(quick-format-unescaped|on-exit-leak-free|atomic-sleep)(\/|$)/,
  /^fast-json-stringify\/lib\/(serializer|v8)(\.js)?$/,
];

/**
 * zod's error messages in English only: `z.locales` keeps `en` (zod's default) and drops the 40-odd
 * other languages nothing here uses, a fifth of the worker's main.js that every start had to parse
 * (issue 12).
 */
const ZOD_ENGLISH_ONLY = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, args.path), namespace: 'zod-english-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * prom-client's index requires its Pushgateway (which loads https, tls and zlib) and its cluster
 * AggregatorRegistry (which loads cluster) for exports the apps never use; in the apps' bundle they are
 * classes that say so when constructed, and a start loads none of those Node modules (issue 12).
 */
const PROM_CLIENT_UNUSED = {
  name: 'prom-client-unused',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]prom-client[\\/]lib[\\/](pushgateway|cluster)\.js$/ }, (args) => {
      const name = args.path.endsWith('pushgateway.js') ? 'Pushgateway' : 'AggregatorRegistry';
      return {
        contents: `module.exports = class ${name} { constructor() { throw new Error('prom-client ${name} is not in this bundle'); } };`,
        loader: 'js',
      };
    });
  },
};

/**
 * A bundled library's code is mapped to the JavaScript it ships, not followed through the library's own
 * source map: some (ret, which fastify's start needs) point at TypeScript sources they do not ship and
 * carry no `sourcesContent`, so the app's map would name files that exist nowhere (the release check
 * requires every source of a published map to resolve). The shipped JavaScript goes into the map's
 * `sourcesContent` like any other input.
 */
const LIBRARIES_AS_SHIPPED = {
  name: 'libraries-as-shipped',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/, namespace: 'file' }, async (args) => {
      const contents = await readFile(args.path, 'utf8');
      if (!contents.includes('//# sourceMappingURL=')) return undefined;
      return { contents: contents.replace(/\/\/# sourceMappingURL=\S*\s*$/, ''), loader: 'js' };
    });
  },
};

/**
 * `keepNames` gives every function its name through esbuild's `__name(fn, "name")` helper, which is
 * also called each time an inner function of a bundled library is created: fastify's hook runner makes
 * its `next` per request, and each call was an `Object.defineProperty` (10 on a `GET /health`, 13 on a
 * `GET /protocols/{id}`, issue 12). The helper now leaves a function whose name is already right as it
 * is, which is the same function afterwards; only renamed ones (`done2` for `done`) are defined. Lines
 * are kept, so the source map holds.
 *
 * The statements `__name(foo, "foo");` that esbuild writes after each function and class declaration
 * whose binding kept its name are left out (the line stays, empty): the helper would leave such a
 * function as it is anyway. In the worker they were 1,700 of 2,300 calls, all made at start; they made
 * the helper hot enough for V8 to optimize it with TurboFan during start, whose code in the node binary
 * (about 2.5 MiB of pages) then counted in the idle worker's RSS (issue 12: 65.7 -> 61.9 MiB).
 */
const NAME_HELPER = /\(target, value\) => (__defProp\d*)\(target, "name", \{ value, configurable: true \}\)/g;
const SAME_NAME_STATEMENT = /^([ \t]*)__name\d*\(([A-Za-z_$][\w$]*), "\2"\);$/gm;
const NAME_ONLY_WHEN_DIFFERENT = {
  name: 'name-only-when-different',
  renderChunk(code) {
    return {
      code: code
        .replace(
          NAME_HELPER,
          (_helper, defineProperty) =>
            `(target, value) => target.name === value ? target : ${defineProperty}(target, "name", { value, configurable: true })`,
        )
        .replace(SAME_NAME_STATEMENT, '$1'),
    };
  },
};

/**
 * The app's bundle (dist/main.cjs) is a CommonJS module's text as Node's loader wraps it: one function
 * expression of (exports, require, module, __filename, __dirname), which the launcher compiles as a
 * vm.Script with V8's code cache and calls (packages/runtime `runWithCodeCache`; its text is compiled as
 * read, no wrapped copy). The expression also leaves the function in
 * `globalThis[Symbol.for('tasksgodzilla.bundle')]` (the launcher takes it out): with --enable-source-maps
 * the launcher has Node's loader compile the text, unchanged, so that no column of its one line moves.
 * `import.meta.url` is the bundle's own file URL, as it was in the ESM bundle; the lazy `import()`s of
 * bundled code are folded into it (CommonJS has no chunks; V8 compiles a function only when it first
 * runs, and the code cache keeps what start ran).
 */
const APP_CJS_BANNER =
  "(globalThis[Symbol.for('tasksgodzilla.bundle')] = function (exports, require, module, __filename, __dirname) { const __tgzImportMetaUrl = require('node:url').pathToFileURL(__filename).href; const __tgzImport = (id) => Promise.resolve().then(() => { const loaded = require(id); return { ...loaded, default: loaded }; });";

/**
 * Node 20 runs no `import()` in code V8 took from a code cache (`ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING`:
 * the vm.Script's import callback is not kept with the cached functions), so the bundle's `import("x")`
 * of an external library (pg, @fastify/swagger, @fastify/swagger-ui: all CommonJS) becomes
 * `__tgzImport("x")` (banner): the library's `require`, shaped as `import()` of CommonJS gives it (its
 * exports, and `default` the whole module.exports). Same line and length class, so the map holds.
 */
const EXTERNAL_IMPORT = /(?<![\w$.])import\((")([^"]+)"\)/g;
const EXTERNAL_IMPORTS_REQUIRED = {
  name: 'external-imports-required',
  renderChunk(code) {
    return { code: code.replace(EXTERNAL_IMPORT, (_all, quote, id) => `__tgzImport(${quote}${id}${quote})`) };
  },
};
const APP_CJS_FOOTER = '});';

/**
 * esbuild escapes every non-ASCII character of the code but copies comments as they are; one such
 * character (a few bundled libraries' comments have some) makes V8 hold the whole 2 MB text in two bytes
 * a character. Each UTF-16 unit of a comment's non-ASCII text becomes `?`, so every column the source
 * map names stays where it was.
 */
async function asciiOnly(file) {
  const text = await readFile(file, 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/g, '?');
  if (ascii !== text) await writeFile(file, ascii);
}

/**
 * The app's bundle without the whitespace esbuild lays it out with (indentation, line breaks, spaces
 * around operators): a third of its text (the worker's 2.05 -> 1.44 MB), which an app keeps in memory as
 * long as it runs (V8 compiles each function from the text when it first runs; idle worker RSS -0.6 MiB,
 * issue 12). Names and code are as they were (no renaming: stack traces, `keepNames` and the renderChunk
 * rewrites above are unaffected; they ran before). esbuild reads the bundle's own source map and writes
 * the composed one, so the map still leads to the TypeScript sources and the libraries' files.
 */
async function minifyWhitespace(file) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    minifyWhitespace: true,
    sourcemap: true,
    // No tsconfig: the app's (`strict`) would have esbuild put a "use strict" before the banner, making
    // the whole bundle strict, libraries written for sloppy mode included.
    tsconfigRaw: {},
    logLevel: 'warning',
  });
}

/** ESM-only libraries the app's CommonJS bundle takes in (require() of ESM is still flagged as experimental on Node 20). */
const APP_BUNDLED_ESM_ONLY = [/^(p-queue|p-timeout|eventemitter3)(\/|$)/];

/**
 * An app: `dist/index.js` (its library API for embedders and tests, dependencies external as in
 * every package), `dist/main.cjs` (the process, `src/main.ts` bundled: see APP_BUNDLED) and the bin
 * (`src/bin.ts`, a small launcher that runs main.cjs with the code cache): `dist/main.js`, an ES
 * module, or with `launcher: 'cjs'` `dist/bin.cjs`, a CommonJS one. A CommonJS launcher starts no ES
 * module loader: some ten of Node's internal modules, and node:fs/promises, which that loader reads
 * files with, stay unloaded (the worker's idle RSS 59.8 -> 59.3 MiB, issue 12); the api keeps its
 * `dist/main.js`, which its tests, docs and users name.
 * The index must not bundle the workspace packages: an embedder that also imports them would get two
 * copies of their classes. The builds write disjoint files, so each cleans only its own.
 */
export function tsupAppPreset({
  index = 'src/index.ts',
  main = 'src/main.ts',
  bin = 'src/bin.ts',
  launcher = 'esm',
  copy = [],
} = {}) {
  const library = tsupPreset({ entry: [index] });
  const common = { tsconfig: 'tsconfig.lib.json', target: 'node20', sourcemap: true, keepNames: true };
  const binFile = launcher === 'cjs' ? 'dist/bin.cjs' : 'dist/main.js';
  return [
    { ...library, clean: ['!main.*', '!bin.*', ...keepCopied(copy)] },
    {
      ...common,
      entry: { main },
      format: ['cjs'],
      outExtension: () => ({ js: '.cjs' }),
      clean: ['!index.*', '!main.js', '!main.js.map', '!bin.*'],
      onSuccess: async () => {
        await minifyWhitespace('dist/main.cjs');
        await asciiOnly('dist/main.cjs');
        await copyFolders(copy);
      },
      skipNodeModulesBundle: true,
      noExternal: [...APP_BUNDLED, ...APP_BUNDLED_CJS, ...APP_BUNDLED_ESM_ONLY],
      banner: { js: APP_CJS_BANNER },
      footer: { js: APP_CJS_FOOTER },
      define: { 'import.meta.url': '__tgzImportMetaUrl' },
      esbuildPlugins: [ZOD_ENGLISH_ONLY, PROM_CLIENT_UNUSED, LIBRARIES_AS_SHIPPED],
      plugins: [NAME_ONLY_WHEN_DIFFERENT, EXTERNAL_IMPORTS_REQUIRED],
    },
    {
      ...common,
      ...(launcher === 'cjs'
        ? {
            entry: { bin },
            format: ['cjs'],
            outExtension: () => ({ js: '.cjs' }),
            // The launcher finds main.cjs next to itself (`new URL('./main.cjs', import.meta.url)`):
            // tsup's shim gives CommonJS output an `import.meta.url`.
            shims: true,
            banner: { js: '#!/usr/bin/env node' },
          }
        : { entry: { main: bin }, format: ['esm'], banner: { js: '#!/usr/bin/env node' } }),
      clean: false,
      splitting: false,
      skipNodeModulesBundle: true,
      noExternal: [/^@tasksgodzilla\//],
      onSuccess: () => chmod(binFile, 0o755),
      // The workspace packages' sources (one module per file, `sideEffects: false`), so that only the
      // launcher's own code is taken from the runtime, not its whole bundled index.
      esbuildOptions(options) {
        options.conditions = SOURCE_CONDITION;
      },
    },
  ];
}
