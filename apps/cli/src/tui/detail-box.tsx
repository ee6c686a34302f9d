import { Box, Text } from 'ink';
import { terminalSafe } from '../terminal-text.js';
import { FRAME_LINES } from './tui-theme.js';

/** A titled, bordered block of text cut to its height; control characters from the api are shown as escapes. */
export function DetailBox({
  title,
  text,
  height,
  width,
  color,
}: {
  title: string;
  text: string;
  height: number;
  width?: number | string;
  color?: string;
}) {
  const lines = text.split('\n').map((line) => terminalSafe(line, { singleLine: true }));
  const rows = Math.max(1, height - FRAME_LINES);
  const shown =
    lines.length > rows ? [...lines.slice(0, rows - 1), `… ${lines.length - rows + 1} more line(s)`] : lines;
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor="gray"
      height={height}
      width={width}
      flexGrow={width === undefined ? 1 : 0}
      flexShrink={1}
      overflow="hidden"
    >
      <Text bold wrap="truncate-end">
        {terminalSafe(title, { singleLine: true })}
      </Text>
      {shown.map((line, index) => (
        <Text key={index} wrap="truncate-end" color={index === 0 ? color : undefined}>
          {line || ' '}
        </Text>
      ))}
    </Box>
  );
}
