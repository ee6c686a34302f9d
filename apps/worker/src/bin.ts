import { fileURLToPath } from 'node:url';
import { CODE_CACHE_DIR_VARIABLE, codeCacheDirFrom, runWithCodeCache } from '@tasksgodzilla/runtime';

// `tgz-worker` (dist/bin.cjs): runs the worker's bundle (dist/main.cjs, built from main.ts) with V8's code
// cache of the previous start (issue 12; README "Start-up code cache").
runWithCodeCache(fileURLToPath(new URL('./main.cjs', import.meta.url)), {
  name: 'worker',
  cacheDir: codeCacheDirFrom(process.env[CODE_CACHE_DIR_VARIABLE]),
});
