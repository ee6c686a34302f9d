import {
  AUTO_PR_MODES,
  type AutoPrMode,
  type FieldIssue,
  type JsonObject,
  type ProtocolRun,
} from '@tasksgodzilla/core';
import type { OrchestratorConfig } from '../orchestrator.types.js';

/** template_config keys of the feedback loop a run may set for itself (they win over the server's config). */
export const AUTO_PR_KEY = 'auto_pr';
export const REACT_TO_REVIEWS_KEY = 'react_to_reviews';

/** Problems with the feedback-loop keys of a template_config: `auto_pr` one of off|draft|ready, `react_to_reviews` a boolean. */
export function feedbackSettingIssues(templateConfig: JsonObject | null | undefined): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const autoPr = templateConfig?.[AUTO_PR_KEY];
  if (autoPr !== undefined && autoPr !== null && !AUTO_PR_MODES.includes(autoPr as AutoPrMode)) {
    issues.push({ path: ['template_config', AUTO_PR_KEY], message: `must be one of ${AUTO_PR_MODES.join(', ')}` });
  }
  const react = templateConfig?.[REACT_TO_REVIEWS_KEY];
  if (react !== undefined && react !== null && typeof react !== 'boolean')
    issues.push({ path: ['template_config', REACT_TO_REVIEWS_KEY], message: 'must be a boolean' });
  return issues;
}

/** The run's `auto_pr` mode: its template_config's, else Config.autoPr. */
export function autoPrMode(
  run: Pick<ProtocolRun, 'template_config'>,
  config: Pick<OrchestratorConfig, 'autoPr'>,
): AutoPrMode {
  const own = run.template_config?.[AUTO_PR_KEY];
  return AUTO_PR_MODES.includes(own as AutoPrMode) ? (own as AutoPrMode) : config.autoPr;
}

/** Whether a review comment starts a new attempt: the run's `react_to_reviews`, else Config.reactToReviews. */
export function reactsToReviews(
  run: Pick<ProtocolRun, 'template_config'>,
  config: Pick<OrchestratorConfig, 'reactToReviews'>,
): boolean {
  const own = run.template_config?.[REACT_TO_REVIEWS_KEY];
  return typeof own === 'boolean' ? own : config.reactToReviews;
}
