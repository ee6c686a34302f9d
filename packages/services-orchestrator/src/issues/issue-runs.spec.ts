import { ValidationError } from '@tasksgodzilla/core';
import { issueRunName, resolveIssueRef } from './issue-runs.js';
import { renderIssueComment } from './issue-comment.js';

describe('issueRunName', () => {
  it('is issue-<number>-<slug of the title>', () => {
    expect(issueRunName(42, 'Fix login bug')).toBe('issue-42-fix-login-bug');
    expect(issueRunName(7, '  Crash in `parse()` when input is "ümlaut" / empty!! ')).toBe(
      'issue-7-crash-in-parse-when-input-is-umlaut-empty',
    );
  });

  it('keeps at most 50 slug characters, never ends on a dash, and falls back to issue-<number>', () => {
    const name = issueRunName(123, 'a'.repeat(30) + ' ' + 'b'.repeat(40));
    expect(name).toBe(`issue-123-${'a'.repeat(30)}-${'b'.repeat(19)}`);
    expect(name.length).toBeLessThanOrEqual(100);
    expect(issueRunName(5, '日本語のタイトル')).toBe('issue-5');
    expect(issueRunName(5, '--- ...')).toBe('issue-5');
    expect(issueRunName(9, 'x'.repeat(49) + ' y')).toBe(`issue-9-${'x'.repeat(49)}`);
  });
});

describe('resolveIssueRef', () => {
  const github = { git_url: 'https://github.com/acme/demo.git', ci_provider: null };
  const gitlab = { git_url: 'git@gitlab.example:group/sub/demo.git', ci_provider: 'gitlab' as const };

  it('reads GitHub and GitLab issue URLs and bare numbers on the project repository', () => {
    expect(resolveIssueRef(github, 'https://github.com/acme/demo/issues/42')).toEqual({
      provider: 'github',
      repository: 'acme/demo',
      number: 42,
    });
    expect(resolveIssueRef(github, '#42')).toEqual({ provider: 'github', repository: 'acme/demo', number: 42 });
    expect(resolveIssueRef(github, 42)).toEqual({ provider: 'github', repository: 'acme/demo', number: 42 });
    expect(resolveIssueRef(gitlab, 'https://gitlab.example/group/sub/demo/-/issues/5/')).toEqual({
      provider: 'gitlab',
      repository: 'group/sub/demo',
      number: 5,
    });
  });

  it('refuses another repository, junk, and a number on a repository that is on no forge (field issue)', () => {
    const fails = (project: { git_url: string; ci_provider: 'github' | 'gitlab' | null }, raw: string) => {
      try {
        resolveIssueRef(project, raw);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).message;
      }
      throw new Error('expected a ValidationError');
    };
    expect(fails(github, 'https://github.com/other/repo/issues/1')).toContain("not on the project's repository");
    expect(fails(github, 'https://github.com/acme/demo/pull/1')).toContain('must be an issue URL');
    expect(fails(github, 'not an issue')).toBe('must be an issue URL or an issue number');
    expect(fails({ git_url: '/srv/repo', ci_provider: null }, '3')).toContain('not on GitHub or GitLab');
  });
});

describe('renderIssueComment', () => {
  const run = { id: 12, protocol_name: 'issue-42-fix-login-bug', status: 'running' as const };
  const steps = [
    { step_name: '00-setup.md', status: 'completed' as const },
    { step_name: '01-fix.md', status: 'pending' as const },
  ];

  it('shows the plan, the PR link, and the reason of a blocked run', () => {
    const text = renderIssueComment({
      run,
      steps,
      planned: true,
      prUrl: 'https://github.com/acme/demo/pull/7',
      reason: null,
    });
    expect(text).toContain('<!-- tasksgodzilla:protocol-run:12 -->');
    expect(text).toContain('**running**');
    expect(text).toContain('- Plan: 2 steps (1 completed)');
    expect(text).toContain('  - `01-fix.md`: pending');
    expect(text).toContain('- Pull request: https://github.com/acme/demo/pull/7');
    const blocked = renderIssueComment({
      run: { ...run, status: 'blocked' },
      steps,
      planned: true,
      prUrl: null,
      reason: 'QA failed:\n  tests red',
    });
    expect(blocked).toContain('**blocked**');
    expect(blocked).toContain('- Reason: QA failed: tests red');
    expect(blocked).not.toContain('Pull request');
    const done = renderIssueComment({
      run: { ...run, status: 'completed' },
      steps,
      planned: true,
      prUrl: null,
      reason: 'x',
    });
    expect(done).toContain('- Completed: every step is done.');
    expect(done).not.toContain('Reason');
  });
});
