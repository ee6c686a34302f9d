import { ListDetailLayout } from './detail-box.js';
import type { PageProps } from './page-props.js';
import { stepMeta, stepPolicy, stepRuntime } from './tui-format.js';
import { statusColor } from './tui-theme.js';

/** The protocol's steps (filtered with f); the selected step's meta, policy, runtime state and events. */
export function StepsPage({ state, height, list }: PageProps) {
  const step = state.steps.find((s) => s.id === state.stepId);
  return (
    <ListDetailLayout
      height={height}
      list={list('steps', height, {
        width: '40%',
        title: `Steps · Filter: ${state.stepFilter}`,
        emptyText: state.protocolId === null ? 'Select a protocol.' : 'No steps.',
      })}
      details={[
        {
          title: 'Step',
          text: stepMeta(step),
          min: 6,
          share: 0.25,
          color: step ? statusColor(step.status) : undefined,
        },
        { title: 'Policy', text: stepPolicy(step), min: 5, share: 0.22 },
        { title: 'Runtime', text: stepRuntime(step), min: 5, share: 0.22 },
      ]}
      bottom={(rest) => list('stepEvents', rest, { emptyText: step ? 'No events for this step.' : 'Select a step.' })}
    />
  );
}
