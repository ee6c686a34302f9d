import { Text } from 'ink';
import { terminalSafe } from '../terminal-text.js';
import type { PageId } from './tui-pages.js';
import type { TuiState } from './tui-store.types.js';

/** `Page: … • Project: name (id) • Protocol: name (id) [status] • Step: index name`, dashes when unset. */
export function ContextBar({ page, state }: { page: PageId; state: TuiState }) {
  const project = state.projects.find((p) => p.id === state.projectId);
  const protocol = state.protocols.find((p) => p.id === state.protocolId);
  const step = state.steps.find((s) => s.id === state.stepId);
  const safe = (text: string) => terminalSafe(text, { singleLine: true });
  return (
    <Text wrap="truncate-end" dimColor>
      Page: {page} • Project: {project ? `${safe(project.name)} (${project.id})` : '-'} • Protocol:{' '}
      {protocol ? `${safe(protocol.protocol_name)} (${protocol.id}) [${protocol.status}]` : '-'} • Step:{' '}
      {step ? `${step.step_index} ${safe(step.step_name)}` : '-'}
    </Text>
  );
}
