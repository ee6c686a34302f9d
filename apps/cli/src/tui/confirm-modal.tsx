import { Box, Text } from 'ink';
import { useKeyHandler, type KeyRouter } from './key-router.js';
import { terminalSafe } from '../terminal-text.js';

/** A yes/no question for destructive actions: y or enter confirms, n or esc cancels. */
export function ConfirmModal({
  title,
  message,
  confirm,
  close,
  router,
  owner,
}: {
  title: string;
  message: string;
  confirm(): void;
  close(): void;
  router: KeyRouter;
  owner: object;
}) {
  useKeyHandler(router, owner, (input, key) => {
    if (input === 'y' || input === 'Y' || key.return) {
      close();
      confirm();
    } else if (input === 'n' || input === 'N' || key.escape) {
      close();
    }
  });
  return (
    <Box flexDirection="column" borderStyle="double" borderColor="yellow" paddingX={1}>
      <Text bold color="yellow">
        {title}
      </Text>
      <Text>{terminalSafe(message)}</Text>
      <Text dimColor>y / enter: yes • n / esc: no</Text>
    </Box>
  );
}
