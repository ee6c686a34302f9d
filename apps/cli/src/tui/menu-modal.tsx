import { Box, Text } from 'ink';
import { useRef, useState } from 'react';
import { useKeyHandler, type KeyRouter } from './key-router.js';
import type { MenuItem } from './tui-modal.types.js';

/** A list of actions: ↑↓ and enter, or the action's own key; esc closes. */
export function MenuModal({
  title,
  items,
  close,
  router,
  owner,
}: {
  title: string;
  items: MenuItem[];
  close(): void;
  router: KeyRouter;
  owner: object;
}) {
  // In a ref: keys that arrive together move from where the previous one left the highlight.
  const highlight = useRef(0);
  const [, rerender] = useState(0);
  const setIndex = (next: number) => {
    highlight.current = next;
    rerender((n) => n + 1);
  };
  const index = highlight.current;
  useKeyHandler(router, owner, (input, key) => {
    const index = highlight.current;
    if (key.escape || input === 'q') return close();
    if (key.upArrow || input === 'k') return setIndex((index - 1 + items.length) % items.length);
    if (key.downArrow || input === 'j') return setIndex((index + 1) % items.length);
    const chosen = key.return ? items[index] : items.find((item) => item.key === input);
    if (chosen) {
      close();
      chosen.run();
    }
  });
  return (
    <Box flexDirection="column" borderStyle="double" borderColor="cyan" paddingX={1}>
      <Text bold color="cyan">
        {title}
      </Text>
      {items.map((item, i) => (
        <Text key={item.label} inverse={i === index}>
          {item.key ? `[${item.key}] ` : '    '}
          {item.label}
        </Text>
      ))}
      <Text dimColor>↑↓ move • enter run • esc close</Text>
    </Box>
  );
}
