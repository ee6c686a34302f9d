import { Box, Text } from 'ink';
import { useRef, useState } from 'react';
import { useKeyHandler, type KeyRouter } from './key-router.js';
import type { FormField } from './tui-modal.types.js';

/** Control characters never belong in a field (escape sequences of keys ink did not name). */
function printable(text: string): boolean {
  return [...text].every((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code >= 0x20 && code !== 0x7f;
  });
}

export interface FormModalProps {
  title: string;
  fields: FormField[];
  /** Resolves with an error to show, or null to close. */
  submit(values: Record<string, string>): Promise<string | null>;
  close(): void;
  /** Where its keys come from, and the dialog they belong to. */
  router: KeyRouter;
  owner: object;
}

/** A dialog of text fields: tab/↓ next, shift+tab/↑ previous, enter next or submit on the last, esc cancel. */
export function FormModal({ title, fields, submit, close, router, owner }: FormModalProps) {
  // The form lives in a ref so keys that arrive before a re-render still see the latest values.
  const form = useRef({
    values: Object.fromEntries(fields.map((f) => [f.name, f.value])) as Record<string, string>,
    index: 0,
  });
  const [, rerender] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const update = (values: Record<string, string>, index: number) => {
    form.current = { values, index };
    rerender((n) => n + 1);
  };

  const send = async (current: Record<string, string>) => {
    const missing = fields.find((f) => f.required && !(current[f.name] ?? '').trim());
    if (missing) return setError(`${missing.label} is required.`);
    setBusy(true);
    const problem = await submit(current);
    setBusy(false);
    if (problem) setError(problem);
    else close();
  };

  useKeyHandler(router, owner, (input, key) => {
    const { values, index } = form.current;
    const field = fields[index];
    if (busy || !field) return;
    if (key.escape) return close();
    if ((key.tab && key.shift) || key.upArrow) return update(values, (index - 1 + fields.length) % fields.length);
    if (key.downArrow) return update(values, (index + 1) % fields.length);
    if (key.ctrl && input === 'u') return update({ ...values, [field.name]: '' }, index);
    if (key.ctrl || key.meta) return;
    // One key, or a burst (paste, or keys that arrived together): apply each character in turn.
    const chars = key.return ? ['\r'] : key.tab ? ['\t'] : key.backspace || key.delete ? ['\x7f'] : [...input];
    let at = index;
    const next = { ...values };
    for (const char of chars) {
      const name = fields[at]?.name ?? '';
      if (char === '\r') {
        if (at === fields.length - 1) {
          update(next, at);
          return void send(next);
        }
        at += 1;
      } else if (char === '\t') at = (at + 1) % fields.length;
      else if (char === '\x7f' || char === '\b') next[name] = (next[name] ?? '').slice(0, -1);
      else if (printable(char)) next[name] = (next[name] ?? '') + char;
    }
    setError(null);
    update(next, at);
  });
  const { values, index } = form.current;

  return (
    <Box flexDirection="column" borderStyle="double" borderColor="cyan" paddingX={1}>
      <Text bold color="cyan">
        {title}
      </Text>
      {fields.map((f, i) => {
        const value = values[f.name] ?? '';
        const shown = f.secret ? '*'.repeat(value.length) : value;
        return (
          <Box key={f.name}>
            <Text color={i === index ? 'cyan' : undefined}>
              {i === index ? '▸ ' : '  '}
              {f.label}
              {f.required ? '*' : ''}:{' '}
            </Text>
            <Text inverse={i === index}>{shown || ' '}</Text>
            {f.hint ? <Text dimColor> {f.hint}</Text> : null}
          </Box>
        );
      })}
      {error ? <Text color="red">{error}</Text> : null}
      <Text dimColor>
        {busy ? 'Working…' : 'tab/↓ next • shift+tab/↑ previous • enter next/submit • ctrl+u clear • esc cancel'}
      </Text>
    </Box>
  );
}
