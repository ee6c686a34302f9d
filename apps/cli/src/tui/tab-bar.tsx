import { Box, Text } from 'ink';
import { PAGES, type PageId } from './tui-pages.js';
import type { LiveState } from './tui-store.types.js';

const LIVE: Record<LiveState, { text: string; color: string }> = {
  live: { text: '● live', color: 'green' },
  connecting: { text: '● connecting', color: 'yellow' },
  error: { text: '● disconnected', color: 'red' },
  off: { text: '○ live off', color: 'gray' },
};

/** Below this width the banner shrinks so the tabs stay on one line. */
const WIDE = 150;

/** The banner and the page tabs with their number keys; the live-update state on the right. */
export function TabBar({
  page,
  live,
  refreshing,
  columns,
}: {
  page: PageId;
  live: LiveState;
  refreshing: boolean;
  columns: number;
}) {
  return (
    <Box justifyContent="space-between" height={1} overflow="hidden">
      <Box>
        <Text bold color="green">
          {columns >= WIDE ? 'TASKSGODZILLA • ORCHESTRATOR TUI ' : 'TGZ '}
        </Text>
        {PAGES.map((spec) => (
          <Text key={spec.id} inverse={spec.id === page} color={spec.id === page ? 'cyan' : undefined}>
            {` ${spec.key} ${spec.title} `}
          </Text>
        ))}
      </Box>
      <Text color={LIVE[live].color} wrap="truncate-end">
        {refreshing ? 'refreshing… ' : ''}
        {LIVE[live].text}
      </Text>
    </Box>
  );
}
