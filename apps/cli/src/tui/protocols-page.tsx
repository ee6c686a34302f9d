import { Box } from 'ink';
import { DetailBox } from './detail-box.js';
import type { PageProps } from './page-props.js';
import { protocolDetail, specDetail } from './tui-format.js';
import { statusColor } from './tui-theme.js';

/** The project's protocols; the selected one's detail, spec and validation, and its events. */
export function ProtocolsPage({ state, store, height, list }: PageProps) {
  const protocol = store.selectedProtocol();
  const detail = Math.max(6, Math.floor(height * 0.3));
  const spec = Math.max(6, Math.floor(height * 0.35));
  return (
    <Box height={height}>
      {list('protocols', height, {
        width: '40%',
        emptyText: state.projectId === null ? 'Select a project.' : 'No protocols. Press R to create one.',
      })}
      <Box flexDirection="column" flexGrow={1}>
        <DetailBox
          title="Protocol detail"
          text={protocolDetail(protocol, state.steps, state.usage)}
          height={detail}
          color={protocol ? statusColor(protocol.status) : undefined}
        />
        <DetailBox title="Spec & validation" text={specDetail(state.spec)} height={spec} />
        {list('protocolEvents', Math.max(4, height - detail - spec), { emptyText: 'No events.' })}
      </Box>
    </Box>
  );
}
