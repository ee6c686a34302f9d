import {
  eventGroup,
  eventLabel,
  stepQuestion,
  type EventOut,
  type Job,
  type OnboardingSummary,
  type ProjectOut,
  type ProtocolRunOut,
  type ProtocolSpecOut,
  type ProtocolUsageOut,
  type QueueStats,
  type StepRunOut,
} from '@tasksgodzilla/client';
import { formatTs, formatUsd, renderQueueStats } from '../format.js';

// Text of every TUI list item and detail pane (reference §2.3-§2.4), as pure functions.

/** JSON blocks longer than this are cut. */
export const JSON_LIMIT = 1600;

export interface ListItem {
  id: string;
  label: string;
  subtitle?: string;
}

export function jsonBlock(value: unknown, placeholder: string): string {
  if (value === null || value === undefined) return placeholder;
  if (typeof value === 'object' && Object.keys(value).length === 0) return placeholder;
  const text = JSON.stringify(value, null, 2) ?? placeholder;
  return text.length > JSON_LIMIT ? `${text.slice(0, JSON_LIMIT)}... (truncated)` : text;
}

export const projectItem = (project: ProjectOut): ListItem => ({
  id: String(project.id),
  label: `${project.id} ${project.name}`,
  subtitle: project.base_branch,
});

export const protocolItem = (run: ProtocolRunOut): ListItem => ({
  id: String(run.id),
  label: `${run.id} ${run.protocol_name}`,
  subtitle: `${run.status} · ${run.base_branch}`,
});

export const stepItem = (step: StepRunOut): ListItem => ({
  id: String(step.id),
  label: `${step.step_index}: ${step.step_name} [${step.status}]`,
  subtitle: `retries=${step.retries}`,
});

export const eventItem = (event: EventOut): ListItem => ({
  id: String(event.id),
  label: `${event.event_type}: ${event.message}`,
});

export const jobItem = (job: Job): ListItem => ({
  id: job.job_id,
  label: `${job.job_id} [${job.status}]`,
  subtitle: job.job_type,
});

export const branchItem = (branch: string): ListItem => ({ id: branch, label: branch });

export function projectDetail(project: ProjectOut | undefined): string {
  if (!project) return 'No project selected.';
  return [
    `${project.name} [${project.base_branch}] • git=${project.git_url}`,
    `Updated: ${formatTs(project.updated_at)}`,
  ].join('\n');
}

function stepCounts(steps: readonly StepRunOut[]): string {
  if (steps.length === 0) return 'no steps';
  const counts = new Map<string, number>();
  for (const step of steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
  return [...counts.entries()].map(([status, count]) => `${status}:${count}`).join(', ');
}

/** Protocol meta; `steps` must be the protocol's steps as just loaded (never a previous run's). */
export function protocolDetail(
  run: ProtocolRunOut | undefined,
  steps: readonly StepRunOut[],
  usage?: ProtocolUsageOut | null,
): string {
  if (!run) return 'No protocol selected.';
  const lines = [`${run.protocol_name} [${run.status}] • base=${run.base_branch} • steps=${stepCounts(steps)}`];
  if (run.description) lines.push(run.description);
  lines.push(
    `branch=${run.branch_name ?? '-'} • auto-advance=${run.auto_advance ? 'on' : 'off'}${usage ? ` • cost=${formatUsd(usage.cost_usd)} tokens=${usage.tokens}` : ''}`,
  );
  lines.push(`updated=${formatTs(run.updated_at)}`);
  return lines.join('\n');
}

export function specDetail(spec: ProtocolSpecOut | null | undefined): string {
  if (!spec) return 'Spec: n/a';
  const lines = [
    `Spec hash=${spec.spec_hash ?? '-'} • status=${spec.validation_status ?? '-'} • validated=${formatTs(spec.validated_at)}`,
  ];
  if (spec.validation_errors && spec.validation_errors.length > 0)
    lines.push(`Errors: ${spec.validation_errors.join('; ')}`);
  lines.push(jsonBlock(spec.spec, 'No spec attached.'));
  return lines.join('\n');
}

export function stepMeta(step: StepRunOut | undefined): string {
  if (!step) return 'Select a step to see engine, policy, and runtime details.';
  const lines = [
    `${step.step_index}: ${step.step_name} [${step.status}]`,
    `Engine: ${step.engine_id ?? 'default'} | Model: ${step.model ?? 'n/a'} | Type: ${step.step_type}`,
    `Retries: ${step.retries}`,
  ];
  if (step.summary) lines.push(`Summary: ${step.summary}`);
  const question = stepQuestion(step);
  if (question !== null) lines.push(`Question (w to answer): ${question}`);
  return lines.join('\n');
}

export const stepPolicy = (step: StepRunOut | undefined): string =>
  step ? jsonBlock(step.policy, 'No policy attached.') : '';
export const stepRuntime = (step: StepRunOut | undefined): string =>
  step ? jsonBlock(step.runtime_state, 'No runtime state yet.') : '';

/** Onboarding status, stages and the newest event (events are newest first). */
export function onboardingDetail(summary: OnboardingSummary | null | undefined): string {
  if (!summary) return 'Onboarding: n/a';
  const stages =
    summary.stages.length > 0
      ? summary.stages.map((stage) => `${stage.name}: ${stage.status}`).join('; ')
      : 'stages: -';
  const newest = [...summary.events].sort((a, b) => b.id - a.id)[0] ?? summary.last_event;
  const last = newest ? `Last: ${newest.event_type} ${formatTs(newest.created_at)} ${newest.message}` : 'Last: -';
  return [`Onboarding [${summary.status}] • ${summary.workspace_path ?? '-'}`, stages, last].join('\n');
}

export function eventDetail(event: EventOut | null | undefined): string {
  if (!event) return 'Select an event to see its details.';
  const lines = [
    `${event.event_type} (${eventLabel(event)}, ${eventGroup(event)}) • ${formatTs(event.created_at)}`,
    event.message,
  ];
  if (event.metadata && Object.keys(event.metadata).length > 0) lines.push(jsonBlock(event.metadata, ''));
  return lines.join('\n');
}

export function queueDetail(stats: QueueStats | null | undefined): string {
  if (!stats) return 'Queue stats unavailable.';
  return `Queue stats\n${renderQueueStats(stats)}`;
}

export const jobDetail = (job: Job | undefined): string => (job ? jsonBlock(job, '') : 'Select a job to see it.');

export interface SettingsView {
  apiBase: string;
  token: boolean;
  projectToken: boolean;
  live: boolean;
  stepFilter: string;
  jobFilter: string;
}

export function settingsDetail(view: SettingsView): string {
  return [
    `API: ${view.apiBase}`,
    `Token: ${view.token ? 'set' : '-'} • Project token: ${view.projectToken ? 'set' : '-'}`,
    `Live updates: ${view.live ? 'on' : 'off'} • Step filter: ${view.stepFilter}`,
    `Job filter: ${view.jobFilter}`,
  ].join('\n');
}
