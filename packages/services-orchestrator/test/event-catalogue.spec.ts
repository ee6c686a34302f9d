import type { EventDraft } from '../src/orchestrator.context.js';
import { createHarness } from './harness.js';

// Every event the orchestrator writes is typed against core's event catalogue (below: a name it does
// not list fails typecheck), and every suite's harness checks the metadata of each event written.

export const listed: EventDraft = { type: 'step_started', message: 'typed', projectId: 1 };
// @ts-expect-error an event type the catalogue does not list
export const unlisted: EventDraft = { type: 'step_startd', message: 'typo', projectId: 1 };

describe('event catalogue in the orchestrator suites', () => {
  it('fails a suite that writes an event whose metadata does not match its catalogue entry', async () => {
    const h = await createHarness();
    const project = await h.storage.projects.create({
      name: 'catalogue',
      git_url: h.repo.path,
      base_branch: 'main',
    });
    await h.telemetry.recordEvent({
      project_id: project.id,
      event_type: 'paused',
      message: 'wrong metadata',
      metadata: { previous_status: 42 },
    });
    await expect(h.close()).rejects.toThrow(/events that do not match the event catalogue:\npaused: previous_status: /);
  });
});
