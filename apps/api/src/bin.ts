import { fileURLToPath } from 'node:url';
import { CODE_CACHE_DIR_VARIABLE, codeCacheDirFrom, runWithCodeCache } from '@tasksgodzilla/runtime';

// `tgz-api` (dist/main.js): runs the api's bundle (dist/main.cjs, built from main.ts) with V8's code
// cache of the previous start (issue 12; README "Start-up code cache").
runWithCodeCache(fileURLToPath(new URL('./main.cjs', import.meta.url)), {
  name: 'api',
  cacheDir: codeCacheDirFrom(process.env[CODE_CACHE_DIR_VARIABLE]),
});
