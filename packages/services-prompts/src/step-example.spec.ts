import { CHECKS_FENCE, parseStepFile } from '@tasksgodzilla/core';
import { createPromptService } from './prompt.service.js';
import { extractStepFileExample } from './step-example.js';

describe('the check grammar the prompts teach', () => {
  const service = createPromptService();

  it('the planning prompt shows a step file whose checks fence the grammar reads, one check per line', async () => {
    const prompt = await service.buildPlanningPrompt({
      protocolName: '0001-demo',
      projectRoot: '/r',
      worktreeRoot: '/w',
    });
    expect(prompt.text).toContain(`info string is \`${CHECKS_FENCE}\`, one command per line`);
    const example = extractStepFileExample(prompt.text);
    expect(example).not.toBeNull();
    const parsed = parseStepFile(example ?? '');
    expect(parsed.checks.map((check) => [check.command, check.source])).toEqual([
      ['test -f src/greeting.js', 'checks-fence'],
      ['node --test test/greeting.test.js', 'checks-fence'],
    ]);
    expect(parsed.runBlocks).toEqual([]);
  });

  it('the decompose prompt teaches the same fence', async () => {
    const template = await service.getTemplate('decompose');
    expect(template.text).toContain(`info string is \`${CHECKS_FENCE}\`, one command per line`);
  });

  it('extractStepFileExample: the first four-backtick markdown fence, or null', () => {
    expect(extractStepFileExample('a\n````markdown\n# S\n```checks\ntrue\n```\n````\nb')).toBe(
      '# S\n```checks\ntrue\n```\n',
    );
    expect(extractStepFileExample('no example')).toBeNull();
  });
});
