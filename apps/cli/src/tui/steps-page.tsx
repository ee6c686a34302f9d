import { Box } from 'ink';
import { DetailBox } from './detail-box.js';
import type { PageProps } from './page-props.js';
import { stepMeta, stepPolicy, stepRuntime } from './tui-format.js';
import { statusColor } from './tui-theme.js';

/** The protocol's steps (filtered with f); the selected step's meta, policy, runtime state and events. */
export function StepsPage({ state, height, list }: PageProps) {
  const step = state.steps.find((s) => s.id === state.stepId);
  const meta = Math.max(6, Math.floor(height * 0.25));
  const policy = Math.max(5, Math.floor(height * 0.22));
  const runtime = Math.max(5, Math.floor(height * 0.22));
  return (
    <Box height={height}>
      {list('steps', height, {
        width: '40%',
        title: `Steps · Filter: ${state.stepFilter}`,
        emptyText: state.protocolId === null ? 'Select a protocol.' : 'No steps.',
      })}
      <Box flexDirection="column" flexGrow={1}>
        <DetailBox
          title="Step"
          text={stepMeta(step)}
          height={meta}
          color={step ? statusColor(step.status) : undefined}
        />
        <DetailBox title="Policy" text={stepPolicy(step)} height={policy} />
        <DetailBox title="Runtime" text={stepRuntime(step)} height={runtime} />
        {list('stepEvents', Math.max(4, height - meta - policy - runtime), {
          emptyText: step ? 'No events for this step.' : 'Select a step.',
        })}
      </Box>
    </Box>
  );
}
