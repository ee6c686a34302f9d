// Names, messages and logs printed by tgz come from the api, so from anyone who can create a project
// or a run. Printed raw, escape sequences in them would act on the operator's terminal (set its title,
// clear the screen, hide text, plant OSC 8 links). Human output shows them as visible escapes instead;
// --json output is left to JSON's own escaping.

/** C0 controls, DEL, C1 controls and the bidi overrides/isolates (which reorder what is shown). */
function isUnsafe(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

function visible(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character shown as `\xNN` / `\uNNNN`. Newlines and tabs are kept (they
 * lay out multi-line output) unless `singleLine`, for table cells and other one-line values.
 */
export function terminalSafe(text: string, options: { singleLine?: boolean } = {}): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const layout = code === 0x0a || code === 0x09;
    out += isUnsafe(code) && !(layout && !options.singleLine) ? visible(code) : char;
  }
  return out;
}
