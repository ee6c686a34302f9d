import { ListDetailLayout } from './detail-box.js';
import type { PageProps } from './page-props.js';
import { protocolDetail, specDetail } from './tui-format.js';
import { statusColor } from './tui-theme.js';

/** The project's protocols; the selected one's detail, spec and validation, and its events. */
export function ProtocolsPage({ state, store, height, list }: PageProps) {
  const protocol = store.selectedProtocol();
  return (
    <ListDetailLayout
      height={height}
      list={list('protocols', height, {
        width: '40%',
        emptyText: state.projectId === null ? 'Select a project.' : 'No protocols. Press R to create one.',
      })}
      details={[
        {
          title: 'Protocol detail',
          text: protocolDetail(protocol, state.steps, state.usage),
          min: 6,
          share: 0.3,
          color: protocol ? statusColor(protocol.status) : undefined,
        },
        { title: 'Spec & validation', text: specDetail(state.spec), min: 6, share: 0.35 },
      ]}
      bottom={(rest) => list('protocolEvents', rest, { emptyText: 'No events.' })}
    />
  );
}
