#!/usr/bin/env node
// The `tgz` bin: starts the built cli (dist/main.js). A committed launcher rather than dist/main.js
// itself, so npm links `tgz` into node_modules/.bin on a fresh clone before anything is built (npm
// skips a bin whose file does not exist) and `npx tgz` then says what to do instead of failing.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(
    `tgz is not built yet (${fileURLToPath(main)} is missing). In the TasksGodzilla repository run: npm run build\n`,
  );
  process.exit(2);
}
await import(main.href);
