import { Box, Text } from 'ink';
import { terminalSafe } from '../terminal-text.js';
import { HELP_LINE } from './tui-keys.js';
import type { TuiState } from './tui-store.types.js';

const TONE = { info: undefined, ok: 'green', error: 'red' } as const;

/** The last message (errors in red, kept until something else happens) and the key line. */
export function StatusBar({ status }: { status: TuiState['status'] }) {
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" color={TONE[status.tone]}>
        Status: {terminalSafe(status.text, { singleLine: true })}
      </Text>
      <Text wrap="truncate-end" dimColor>
        {HELP_LINE}
      </Text>
    </Box>
  );
}
