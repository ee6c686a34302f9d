import { Box, Text } from 'ink';
import { PAGES, type PageId } from './tui-pages.js';
import type { LiveState } from './tui-store.types.js';

const LIVE: Record<LiveState, { text: string; color: string }> = {
  live: { text: '● live', color: 'green' },
  connecting: { text: '● connecting', color: 'yellow' },
  error: { text: '● disconnected', color: 'red' },
  off: { text: '○ live off', color: 'gray' },
};

/** The banner and the page tabs with their number keys; the live-update state on the right. */
export function TabBar({ page, live, refreshing }: { page: PageId; live: LiveState; refreshing: boolean }) {
  return (
    <Box justifyContent="space-between">
      <Box>
        <Text bold color="green">
          TASKSGODZILLA • ORCHESTRATOR TUI{' '}
        </Text>
        {PAGES.map((spec) => (
          <Text key={spec.id} inverse={spec.id === page} color={spec.id === page ? 'cyan' : undefined}>
            {` ${spec.key} ${spec.title} `}
          </Text>
        ))}
      </Box>
      <Text color={LIVE[live].color}>
        {refreshing ? 'refreshing… ' : ''}
        {LIVE[live].text}
      </Text>
    </Box>
  );
}
