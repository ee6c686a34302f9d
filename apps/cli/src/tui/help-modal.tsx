import { Box, Text } from 'ink';
import { useKeyHandler, type KeyRouter } from './key-router.js';
import { KEYS } from './tui-keys.js';

/** Every key, one per line; esc, ? or q closes. */
export function HelpModal({ close, router, owner }: { close(): void; router: KeyRouter; owner: object }) {
  useKeyHandler(router, owner, (input, key) => {
    if (key.escape || input === '?' || input === 'q' || key.return) close();
  });
  const width = Math.max(...KEYS.map((k) => k.keys.length));
  return (
    <Box flexDirection="column" borderStyle="double" borderColor="cyan" paddingX={1}>
      <Text bold color="cyan">
        Keys
      </Text>
      {KEYS.map((k) => (
        <Text key={k.keys}>
          <Text color="cyan">{k.keys.padEnd(width)}</Text> {k.action}
        </Text>
      ))}
      <Text dimColor>esc closes</Text>
    </Box>
  );
}
