import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES, configReadmeTable } from '@tasksgodzilla/core';

const root = join(import.meta.dirname, '..', '..', '..');

/** Rows of the README's configuration table: | `NAME` | default | meaning | */
function readmeRows(): Map<string, { defaultText: string }> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split('## Configuration')[1]?.split('\n## ')[0] ?? '';
  const rows = new Map<string, { defaultText: string }>();
  for (const line of section.split('\n')) {
    const match = /^\|\s*`([A-Z0-9_]+)`\s*\|\s*([^|]*)\|/.exec(line);
    if (match) rows.set(match[1]!, { defaultText: match[2]!.trim() });
  }
  return rows;
}

describe('README configuration table', () => {
  const rows = readmeRows();

  it('lists every variable of the config schema, and nothing else', () => {
    expect([...rows.keys()].sort()).toEqual(CONFIG_VARIABLES.map((v) => v.env).sort());
  });

  it('shows each default as the schema has it', () => {
    for (const variable of CONFIG_VARIABLES) {
      const expected = variable.default === undefined ? 'unset' : `\`${variable.default}\``;
      expect(`${variable.env}: ${rows.get(variable.env)?.defaultText}`).toBe(`${variable.env}: ${expected}`);
    }
  });

  it('is the table generated from the schema, row for row', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.split('## Configuration')[1]?.split('\n## ')[0] ?? '';
    const table = section.split('\n').filter((line) => line.startsWith('|'));
    expect(table.join('\n')).toBe(configReadmeTable());
  });
});
