import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_CATALOGUE, EVENT_METADATA_SCHEMAS, checkEventMetadata } from './event-catalogue.js';
import {
  EVENT_GROUPS,
  EVENT_TYPES,
  eventCatalogueTable,
  eventTypeInfo,
  eventTypesOf,
  isEventOfGroup,
  isEventType,
  providerEventType,
} from './event-catalogue.labels.js';

describe('event catalogue', () => {
  it('files every type under a known group, with a label', () => {
    for (const type of EVENT_TYPES) {
      expect(EVENT_GROUPS).toContain(EVENT_CATALOGUE[type].group);
      expect(EVENT_CATALOGUE[type].label.length).toBeGreaterThan(0);
    }
    expect(EVENT_GROUPS.flatMap((group) => eventTypesOf(group)).sort()).toEqual([...EVENT_TYPES].sort());
    expect(Object.keys(EVENT_METADATA_SCHEMAS).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('builds each schema once: the catalogue and every read give the same schema', () => {
    expect(EVENT_CATALOGUE.paused.metadata).toBe(EVENT_METADATA_SCHEMAS.paused);
    expect(EVENT_METADATA_SCHEMAS.github).toBe(EVENT_METADATA_SCHEMAS.github);
  });

  it('keeps names, labels and groups free of zod (the console bundles them)', () => {
    const labels = readFileSync(join(import.meta.dirname, 'event-catalogue.labels.ts'), 'utf8');
    expect(labels).not.toMatch(/from 'zod'/);
  });

  it.each([
    ['qa_passed', 'QA passed', 'qa', true],
    ['Pipeline Hook', 'Pipeline Hook', 'ci', false],
  ])(
    'answers label and group of %s, an unlisted name as a provider webhook event',
    (type, label, group, catalogued) => {
      expect(eventTypeInfo(type)).toEqual({ type, label, group, catalogued });
    },
  );

  it('tells catalogued names, groups and provider event types', () => {
    expect(isEventType('loop_decision')).toBe(true);
    expect(isEventType('toString')).toBe(false);
    expect(isEventOfGroup('trigger_decision', 'trigger')).toBe(true);
    expect(isEventOfGroup('trigger_decision', 'loop')).toBe(false);
    expect(providerEventType('workflow_run')).toBe('workflow_run');
  });

  it('checks metadata against the type schema (loose: other keys pass)', () => {
    expect(checkEventMetadata('paused', { previous_status: 'running', extra: 1 })).toEqual({ ok: true });
    expect(checkEventMetadata('step_created', null)).toEqual({ ok: true });
    const bad = checkEventMetadata('paused', { previous_status: 3 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues[0]).toMatch(/^paused: previous_status: /);
    expect(checkEventMetadata('step_deferred', { protocol_status: 'paused', phase: 'later' }).ok).toBe(false);
  });

  it('accepts an unlisted name only as a provider webhook event', () => {
    expect(checkEventMetadata('Pipeline Hook', { provider: 'gitlab', status: 'success' })).toEqual({ ok: true });
    const typo = checkEventMetadata('step_complete', {});
    expect(typo.ok).toBe(false);
    expect(!typo.ok && typo.issues[0]).toMatch(/not catalogued/);
  });

  it('is listed in the core README, exactly', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const section = readme.split('## Event types')[1]?.split('\n## ')[0] ?? '';
    const table = section.slice(section.indexOf('| Event type |'));
    // Compared cell by cell: a formatter may pad the columns.
    const cells = (table: string) =>
      table
        .split('\n')
        .filter((line) => line.startsWith('|') && !/^\|[\s:-]+\|/.test(line))
        .map((line) =>
          line
            .split('|')
            .slice(1, -1)
            .map((cell) => cell.trim()),
        );
    expect(cells(table)).toEqual(cells(eventCatalogueTable()));
  });
});
