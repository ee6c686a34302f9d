import type { DefaultModels, Project } from '@tasksgodzilla/core';
import { inferForgeProvider } from '@tasksgodzilla/platform-git';
import type { Clarification, OnboardingConfig } from './onboarding.types.js';

/** The checks a protocol step is expected to pass, as shipped in the starter assets. */
export const REQUIRED_CHECK_SCRIPTS = [
  'scripts/ci/test.sh',
  'scripts/ci/lint.sh',
  'scripts/ci/typecheck.sh',
  'scripts/ci/build.sh',
] as const;

/** Secrets a deployment is expected to configure (names only). */
export const RECOMMENDED_SECRETS = ['TASKSGODZILLA_API_TOKEN', 'TASKSGODZILLA_WEBHOOK_TOKEN'] as const;

/** Configured model per role (config key → `default_models` key); unset roles are left to the engine CLI. */
const CONFIGURED_MODEL_KEYS = [
  ['planningModel', 'planning'],
  ['decomposeModel', 'decompose'],
  ['execModel', 'exec'],
  ['qaModel', 'qa'],
  ['discoveryModel', 'discovery'],
] as const;

type ModelConfig = Partial<Pick<OnboardingConfig, (typeof CONFIGURED_MODEL_KEYS)[number][0]>>;

/**
 * The recommended `default_models`: the project's own, else the deployment's configured models
 * (`PROTOCOL_*_MODEL`), else `null`: no model is recommended and each engine CLI uses its own default
 * (the system sends no default model id).
 */
function recommendedModels(project: Pick<Project, 'default_models'>, config: ModelConfig): DefaultModels | null {
  if (project.default_models) return project.default_models;
  const configured: DefaultModels = {};
  for (const [configKey, role] of CONFIGURED_MODEL_KEYS) {
    const model = config[configKey];
    if (model) configured[role] = model;
  }
  return Object.keys(configured).length > 0 ? configured : null;
}

/**
 * The onboarding questions (reference §7.5), informational: nothing answers them; with
 * `requireOnboardingClarifications` the setup run is parked in `blocked`. Pure; values never
 * include secret values (only the names of the secrets the project has).
 */
export function buildClarifications(
  project: Pick<Project, 'git_url' | 'base_branch' | 'ci_provider' | 'default_models' | 'secrets'>,
  config: Pick<OnboardingConfig, 'ghSsh' | 'gitUser' | 'gitEmail'> & ModelConfig,
): Clarification[] {
  const inferredProvider = inferForgeProvider(project.git_url);
  const identityDetected =
    config.gitUser || config.gitEmail ? { user: config.gitUser ?? null, email: config.gitEmail ?? null } : null;
  return [
    {
      key: 'ci_provider',
      question: 'Which CI provider runs this repository’s pipelines (GitHub Actions or GitLab CI)?',
      recommended: project.ci_provider ?? inferredProvider ?? 'github',
      options: ['github', 'gitlab'],
      detected: project.ci_provider ?? inferredProvider,
    },
    {
      key: 'prefer_ssh',
      question: 'Should the GitHub origin use SSH instead of HTTPS (TASKSGODZILLA_GH_SSH)?',
      recommended: config.ghSsh,
      options: [true, false],
      detected: config.ghSsh,
    },
    {
      key: 'git_identity',
      question:
        'Which git identity should TasksGodzilla commit as in this repository (TASKSGODZILLA_GIT_USER / TASKSGODZILLA_GIT_EMAIL)?',
      recommended: { user: config.gitUser ?? 'Demo Bot', email: config.gitEmail ?? 'demo-bot@example.com' },
      detected: identityDetected,
    },
    {
      key: 'branch_naming',
      question: 'Which base branch do protocols start from, and how are protocol branches named?',
      recommended: { base_branch: project.base_branch || 'main', pattern: '<number>-<task>' },
    },
    {
      key: 'required_checks',
      question: 'Which checks must pass before a step counts as done?',
      recommended: [...REQUIRED_CHECK_SCRIPTS],
    },
    {
      key: 'pr_policy',
      question: 'How should pull/merge requests be opened (draft or ready, auto-assigned or not)?',
      recommended: { mode: 'draft', auto_assign: false },
      options: ['draft', 'ready'],
    },
    {
      key: 'default_models',
      question:
        'Which models should planning, execution and QA use by default for this project (unset: each engine CLI uses its own default)?',
      recommended: recommendedModels(project, config),
      detected: project.default_models ?? null,
    },
    {
      key: 'secrets',
      question: 'Are the API token and the webhook secret configured for this deployment?',
      recommended: [...RECOMMENDED_SECRETS],
      detected: Object.keys(project.secrets ?? {}),
    },
    {
      key: 'codex_discovery',
      question:
        'Should onboarding run the discovery pass (an agent writes notes under tasksgodzilla/ and adapts scripts/ci)?',
      recommended: true,
    },
  ];
}
