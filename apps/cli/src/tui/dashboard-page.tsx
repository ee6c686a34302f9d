import { Box } from 'ink';
import { DetailBox } from './detail-box.js';
import type { PageProps } from './page-props.js';
import { onboardingDetail, protocolDetail, stepMeta } from './tui-format.js';
import { statusColor } from './tui-theme.js';

/** Projects, protocols and steps; protocol, step and onboarding details; protocol and recent events. */
export function DashboardPage({ state, store, height, list }: PageProps) {
  const top = Math.max(6, Math.floor(height * 0.4));
  const middle = Math.max(6, Math.floor(height * 0.3));
  const bottom = Math.max(5, height - top - middle);
  const protocol = store.selectedProtocol();
  const step = state.steps.find((s) => s.id === state.stepId) ?? store.targetStep();
  return (
    <Box flexDirection="column">
      <Box height={top}>
        {list('projects', top, { width: '28%' })}
        {list('protocols', top, { width: '32%' })}
        {list('steps', top, {
          title: `Steps · Filter: ${state.stepFilter}`,
          emptyText: protocol ? 'No steps (yet).' : 'Select a protocol.',
        })}
      </Box>
      <Box height={middle}>
        <DetailBox
          title="Protocol"
          text={protocolDetail(protocol, state.steps, state.usage)}
          height={middle}
          width="34%"
          color={protocol ? statusColor(protocol.status) : undefined}
        />
        <DetailBox
          title={state.stepId === null ? 'Latest step' : 'Step'}
          text={stepMeta(step)}
          height={middle}
          color={step ? statusColor(step.status) : undefined}
        />
        <DetailBox title="Onboarding" text={onboardingDetail(state.onboarding)} height={middle} width="33%" />
      </Box>
      <Box height={bottom}>
        {list('protocolEvents', bottom, { width: '50%', emptyText: 'No protocol events.' })}
        {list('recentEvents', bottom, { emptyText: 'No recent events.' })}
      </Box>
    </Box>
  );
}
