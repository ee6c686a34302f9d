import { Box, Text } from 'ink';
import { terminalSafe } from '../terminal-text.js';
import type { ListItem } from './tui-format.js';
import { FRAME_LINES } from './tui-theme.js';

export interface SelectListProps {
  title: string;
  items: ListItem[];
  /** Index of the highlighted row (moved with the arrows; Enter selects it). */
  highlight: number;
  selectedId: string | null;
  focused: boolean;
  /** Total height, frame included. */
  height: number;
  width?: number | string;
  emptyText?: string;
}

const line = (text: string) => terminalSafe(text, { singleLine: true });

/** A titled list that scrolls with its highlight; `›` marks the selected item. Names from the api are shown terminal-safe. */
export function SelectList({
  title,
  items,
  highlight,
  selectedId,
  focused,
  height,
  width,
  emptyText = '(empty)',
}: SelectListProps) {
  const rows = Math.max(1, height - FRAME_LINES);
  const current = Math.min(Math.max(0, highlight), Math.max(0, items.length - 1));
  const start = Math.max(0, Math.min(current - Math.floor(rows / 2), items.length - rows));
  const shown = items.slice(start, start + rows);
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={focused ? 'cyan' : 'gray'}
      height={height}
      width={width}
      flexGrow={width === undefined ? 1 : 0}
      flexShrink={1}
      overflow="hidden"
    >
      <Text bold color={focused ? 'cyan' : undefined} wrap="truncate-end">
        {line(title)}
        {items.length > 0 ? ` (${items.length})` : ''}
      </Text>
      {items.length === 0 ? (
        <Text dimColor wrap="truncate-end">
          {emptyText}
        </Text>
      ) : (
        shown.map((item, offset) => {
          const index = start + offset;
          return (
            <Text
              key={item.id}
              inverse={focused && index === current}
              bold={item.id === selectedId}
              wrap="truncate-end"
            >
              {item.id === selectedId ? '›' : ' '} {line(item.label)}
              {item.subtitle ? <Text dimColor> • {line(item.subtitle)}</Text> : null}
            </Text>
          );
        })
      )}
    </Box>
  );
}
