import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
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

/** One detail box of a `ListDetailLayout`: its height is `share` of the page, at least `min` lines. */
export interface DetailSpec {
  title: string;
  text: string;
  min: number;
  share: number;
  color?: string;
}

/**
 * A list (left, 40%), and beside it a column of the selection's detail boxes over a second list
 * that gets the rest of the height (at least 4 lines).
 */
export function ListDetailLayout({
  height,
  list,
  details,
  bottom,
}: {
  height: number;
  list: ReactNode;
  details: readonly DetailSpec[];
  bottom(height: number): ReactNode;
}) {
  const heights = details.map((detail) => Math.max(detail.min, Math.floor(height * detail.share)));
  const rest = Math.max(4, height - heights.reduce((sum, h) => sum + h, 0));
  return (
    <Box height={height}>
      {list}
      <Box flexDirection="column" flexGrow={1}>
        {details.map((detail, index) => (
          <DetailBox
            key={detail.title}
            title={detail.title}
            text={detail.text}
            height={heights[index] ?? detail.min}
            color={detail.color}
          />
        ))}
        {bottom(rest)}
      </Box>
    </Box>
  );
}
