import { buildClarifications } from './onboarding.clarifications.js';
import { CLARIFICATION_KEYS, makeProject } from './onboarding.test-helpers.js';

const baseConfig = { ghSsh: true, gitUser: undefined, gitEmail: undefined };

describe('buildClarifications', () => {
  it('lists the nine questions of the original, in order, with the original defaults', () => {
    const questions = buildClarifications(
      makeProject({ git_url: 'file:///srv/repos/widgets.git', base_branch: '' }),
      baseConfig,
    );
    expect(questions.map((question) => question.key)).toEqual(CLARIFICATION_KEYS);
    const byKey = Object.fromEntries(questions.map((question) => [question.key, question]));
    expect(byKey['ci_provider']).toMatchObject({
      recommended: 'github',
      options: ['github', 'gitlab'],
      detected: null,
    });
    expect(byKey['prefer_ssh']).toMatchObject({ recommended: true, detected: true });
    expect(byKey['git_identity']).toMatchObject({
      recommended: { user: 'Demo Bot', email: 'demo-bot@example.com' },
      detected: null,
    });
    expect(byKey['branch_naming']?.recommended).toEqual({ base_branch: 'main', pattern: '<number>-<task>' });
    expect(byKey['required_checks']?.recommended).toEqual([
      'scripts/ci/test.sh',
      'scripts/ci/lint.sh',
      'scripts/ci/typecheck.sh',
      'scripts/ci/build.sh',
    ]);
    expect(byKey['pr_policy']?.recommended).toEqual({ mode: 'draft', auto_assign: false });
    // No model configured anywhere: nothing is recommended, each engine CLI uses its own default.
    expect(byKey['default_models']).toMatchObject({ recommended: null, detected: null });
    expect(byKey['secrets']).toMatchObject({
      recommended: ['TASKSGODZILLA_API_TOKEN', 'TASKSGODZILLA_WEBHOOK_TOKEN'],
      detected: [],
    });
    expect(byKey['codex_discovery']?.recommended).toBe(true);
    for (const question of questions) expect(question.question.length).toBeGreaterThan(10);
  });

  it('uses the project and the configuration where they say something', () => {
    const project = makeProject({
      git_url: 'git@gitlab.com:acme/widgets.git',
      base_branch: 'develop',
      default_models: { planning: 'opus', exec: 'sonnet' },
      secrets: { GITLAB_TOKEN: 'glpat-very-secret' },
    });
    const questions = buildClarifications(project, { ghSsh: false, gitUser: 'Bot', gitEmail: 'bot@example.com' });
    const byKey = Object.fromEntries(questions.map((question) => [question.key, question]));
    expect(byKey['ci_provider']).toMatchObject({ recommended: 'gitlab', detected: 'gitlab' });
    expect(byKey['prefer_ssh']).toMatchObject({ recommended: false, detected: false });
    expect(byKey['git_identity']).toMatchObject({
      recommended: { user: 'Bot', email: 'bot@example.com' },
      detected: { user: 'Bot', email: 'bot@example.com' },
    });
    expect(byKey['branch_naming']?.recommended).toMatchObject({ base_branch: 'develop' });
    expect(byKey['default_models']).toMatchObject({
      recommended: { planning: 'opus', exec: 'sonnet' },
      detected: { planning: 'opus', exec: 'sonnet' },
    });
    // Secret names only, never values.
    expect(byKey['secrets']?.detected).toEqual(['GITLAB_TOKEN']);
    expect(JSON.stringify(questions)).not.toContain('glpat-very-secret');
  });

  it('recommends the configured models when the project has none, never a made-up id', () => {
    const project = makeProject({ git_url: 'file:///srv/repos/widgets.git', default_models: null });
    const configured = buildClarifications(project, {
      ...baseConfig,
      planningModel: 'plan-model',
      execModel: 'exec-model',
      qaModel: undefined,
      discoveryModel: 'disc-model',
    });
    const models = configured.find((question) => question.key === 'default_models');
    expect(models).toMatchObject({
      recommended: { planning: 'plan-model', exec: 'exec-model', discovery: 'disc-model' },
      detected: null,
    });
    // The project's own models win over the configuration.
    const own = buildClarifications(makeProject({ default_models: { exec: 'own' } }), {
      ...baseConfig,
      execModel: 'exec-model',
    });
    expect(own.find((question) => question.key === 'default_models')?.recommended).toEqual({ exec: 'own' });
    const unconfigured = JSON.stringify(buildClarifications(project, baseConfig));
    expect(unconfigured).not.toMatch(/codex-5\.1|gpt-5\.1/);
  });

  it('an explicit ci_provider wins over the URL', () => {
    const questions = buildClarifications(
      makeProject({ git_url: 'https://github.com/acme/widgets.git', ci_provider: 'gitlab' }),
      baseConfig,
    );
    expect(questions[0]).toMatchObject({ recommended: 'gitlab', detected: 'gitlab' });
  });
});
