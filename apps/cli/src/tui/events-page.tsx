import { Box } from 'ink';
import { DetailBox } from './detail-box.js';
import type { PageProps } from './page-props.js';
import { eventDetail } from './tui-format.js';

/** The protocol's events and the recent events, newest first; Enter shows one in full. */
export function EventsPage({ state, height, list }: PageProps) {
  const half = Math.floor(height / 2);
  return (
    <Box height={height}>
      <Box flexDirection="column" width="55%">
        {list('protocolEvents', half, { emptyText: 'No protocol events.' })}
        {list('recentEvents', height - half, { emptyText: 'No recent events.' })}
      </Box>
      <DetailBox title="Selected event" text={eventDetail(state.event)} height={height} />
    </Box>
  );
}
