#!/usr/bin/env node
// Prints the README's configuration table from the built core config schema (run `npm run build` first).
import { CONFIG_VARIABLES } from '@tasksgodzilla/core';

console.log('| variable | default | meaning |');
console.log('|---|---|---|');
for (const v of CONFIG_VARIABLES) {
  const def = v.default === undefined ? 'unset' : `\`${v.default}\``;
  const values = v.values ? ` One of: ${v.values.map((x) => `\`${x}\``).join(', ')}.` : '';
  const origin = v.original ? '' : ' *(new)*';
  console.log(`| \`${v.env}\` | ${def} | ${v.description.replace(/\|/g, '\\|')}${values}${origin} |`);
}
