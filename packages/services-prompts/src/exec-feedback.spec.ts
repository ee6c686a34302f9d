import { createPromptService } from './prompt.service.js';
import { formatExecFeedback, formatResumeMessage, hasFeedback, type ExecFeedback } from './exec-feedback.js';

const evidence: ExecFeedback = {
  attempt: 2,
  budget: { reopens_left: 2, tokens_left: 12000, cost_usd_left: null },
  qa: {
    outcome: 'FAIL',
    reason: 'check failed: npm test',
    failing_checks: [{ command: 'npm test', exit_code: 1, output_tail: 'FAIL src/a.spec.ts\nexpected 2, got 3' }],
  },
  ci: {
    provider: 'github',
    job: 'build',
    conclusion: 'failure',
    url: 'https://ci.example/run/7',
    log_excerpt: 'error TS2322',
  },
  reviews: [{ author: 'bob', body: 'Please rename x.', path: 'src/a.ts', line: 12, state: null, url: null }],
};

describe('formatExecFeedback', () => {
  it('renders attempt, budget, each failing check with command, exit code and output tail, CI and reviews', () => {
    const text = formatExecFeedback(evidence);
    expect(text).toContain('## What went wrong last time');
    expect(text).toContain(
      'This is attempt 2 of this step. Budget: 2 automatic re-attempt(s) left; 12000 tokens left for this step.',
    );
    expect(text).toContain('### QA: FAIL');
    expect(text).toContain('- `npm test` exited 1\n```\nFAIL src/a.spec.ts\nexpected 2, got 3\n```');
    expect(text).toContain(
      '### CI failed (github)\nJob: build; conclusion: failure; https://ci.example/run/7\nLog excerpt:\n```\nerror TS2322\n```',
    );
    expect(text).toContain('- @bob on src/a.ts:12: Please rename x.');
  });

  it('is empty without evidence, and bounded: outputs are tails and the section is cut at the cap', () => {
    expect(formatExecFeedback(null)).toBe('');
    expect(formatExecFeedback({ attempt: 3 })).toBe('');
    expect(hasFeedback({ attempt: 2, execution: { outcome: 'failed', error: 'boom' } })).toBe(true);
    const huge = 'x'.repeat(50_000) + 'THE END';
    const text = formatExecFeedback(
      {
        attempt: 2,
        qa: { outcome: 'FAIL', reason: null, failing_checks: [{ command: 'make', exit_code: 2, output_tail: huge }] },
      },
      2000,
    );
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text).toContain('THE END');
    expect(text).toContain('earlier characters omitted');
    const many = formatExecFeedback(
      { attempt: 2, reviews: Array.from({ length: 200 }, (_, i) => ({ author: `r${i}`, body: 'y'.repeat(400) })) },
      1000,
    );
    expect(many.length).toBeLessThanOrEqual(1000);
    expect(many.endsWith('… (feedback truncated)')).toBe(true);
  });

  it('a resume message is the feedback alone, naming the step', () => {
    const message = formatResumeMessage('01-api.md', evidence);
    expect(message.startsWith('Your previous attempt at 01-api.md did not pass.')).toBe(true);
    expect(message).toContain('expected 2, got 3');
    expect(message).not.toContain('plan.md');
  });

  it("renders a person's answer to the previous attempt's question first, and resumes with it", () => {
    const answered: ExecFeedback = {
      attempt: 2,
      answer: { question: 'Which port?\nThe spec says 80 or 8080.', answer: 'Use 8080.' },
    };
    expect(hasFeedback(answered)).toBe(true);
    const text = formatExecFeedback(answered);
    expect(text).toContain(
      '### You asked a person, and they answered\nYour question:\n> Which port?\n> The spec says 80 or 8080.\nTheir answer (follow it):\n```\nUse 8080.\n```',
    );
    expect(text).toContain('Go on with the step using this answer');
    const resume = formatResumeMessage('01-api.md', answered);
    expect(resume.startsWith('Your previous attempt at 01-api.md stopped to ask a question')).toBe(true);
    expect(resume).toContain('Use 8080.');
    const both = formatExecFeedback({ ...evidence, answer: answered.answer });
    expect(both.indexOf('### You asked')).toBeLessThan(both.indexOf('### QA: FAIL'));
    expect(both).toContain('Fix these first');
  });

  it('the exec prompt carries the section only when there is evidence, and teaches the NEEDS_INPUT block', async () => {
    const service = createPromptService();
    const base = {
      protocolName: '0001-demo',
      stepFilename: '01-api.md',
      stepContent: 'Do the API.',
      plan: 'The plan.',
      workspaceRoot: '/wt',
      protocolRoot: '/wt/.protocols/0001-demo',
    };
    const first = await service.buildExecPrompt(base);
    expect(first.text).not.toContain('What went wrong last time');
    expect(first.text).toContain('end your final message with a line starting `NEEDS_INPUT:`');
    const retry = await service.buildExecPrompt({ ...base, feedback: evidence, feedbackMaxChars: 3000 });
    expect(retry.text).toContain('verified it.\n\n## What went wrong last time');
    expect(retry.text).toContain('expected 2, got 3');
    expect(retry.version).toBe(first.version);
  });
});
