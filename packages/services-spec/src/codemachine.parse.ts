import { ConfigError } from '@tasksgodzilla/core';

/**
 * Parses the content of a CodeMachine `config/*.js` file without evaluating it.
 *
 * The original strips `export default`, `module.exports … =` and `const <name> =` prefixes and a
 * trailing `;`, tries strict JSON, then falls back to Python's `ast.literal_eval` (after mapping
 * true/false/null). That accepts single-quoted strings and trailing commas but no comments, unquoted
 * keys or expressions. This function does the same prefix stripping, then parses a literal subset
 * with a small recursive-descent parser: objects, arrays, single- or double-quoted strings (with
 * escapes), numbers, `true/false/null` (and Python's `True/False/None`), trailing commas, and, beyond
 * the original, unquoted identifier keys and `//` / `/* *\/` comments (plain JS object literals).
 * Anything else (calls, `require`, spreads, variables) is refused: nothing is ever executed.
 * Failure is a ConfigError "Unable to parse config content: …".
 */
export function parseConfigContent(content: string): unknown {
  const text = stripJsWrapper(content);
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // fall through to the literal parser
  }
  try {
    return new LiteralParser(text).parseDocument();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`Unable to parse config content: ${reason}`, { cause: error });
  }
}

/** The original's prefix/suffix stripping, in the same order. */
export function stripJsWrapper(content: string): string {
  // Leading comments (a licence header) would hide the wrapper; the original refused such files.
  let text = content.trim().replace(/^(?:\/\/[^\n]*(?:\n|$)\s*|\/\*[\s\S]*?\*\/\s*)+/, '');
  if (text.startsWith('export default')) text = text.slice('export default'.length).trim();
  if (text.startsWith('module.exports')) {
    const eq = text.indexOf('=');
    if (eq >= 0) text = text.slice(eq + 1).trim();
  }
  const constMatch = /^const\s+[A-Za-z_$][\w$]*\s*=/.exec(text);
  if (constMatch) text = text.slice(constMatch[0].length).trim();
  if (text.endsWith(';')) text = text.slice(0, -1).trim();
  return text;
}

const KEYWORDS: Record<string, unknown> = {
  true: true,
  false: false,
  null: null,
  True: true,
  False: false,
  None: null,
};

class LiteralParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    const value = this.parseValue();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected trailing content');
    return value;
  }

  private fail(message: string): never {
    const line = this.text.slice(0, this.pos).split('\n').length;
    throw new SyntaxError(`${message} at line ${line} (offset ${this.pos})`);
  }

  private skipSpace(): void {
    for (;;) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos += 1;
      if (this.text.startsWith('//', this.pos)) {
        const end = this.text.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.text.length : end + 1;
      } else if (this.text.startsWith('/*', this.pos)) {
        const end = this.text.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated comment');
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  private parseValue(): unknown {
    this.skipSpace();
    const char = this.text[this.pos];
    if (char === undefined) this.fail('unexpected end of content');
    if (char === '{') return this.parseObject();
    if (char === '[') return this.parseArray();
    if (char === '"' || char === "'") return this.parseString();
    if (char === '-' || char === '+' || char === '.' || /\d/.test(char)) return this.parseNumber();
    const word = /^[A-Za-z_]\w*/.exec(this.text.slice(this.pos))?.[0];
    if (word !== undefined && Object.hasOwn(KEYWORDS, word)) {
      this.pos += word.length;
      return KEYWORDS[word];
    }
    return this.fail(`unexpected ${word ? `identifier ${JSON.stringify(word)}` : JSON.stringify(char)}`);
  }

  private parseObject(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.parseItems('}', () => {
      const key = this.parseKey();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos += 1;
      Object.defineProperty(result, key, {
        value: this.parseValue(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
    return result;
  }

  private parseKey(): string {
    const quote = this.text[this.pos];
    if (quote === '"' || quote === "'") return this.parseString();
    const identifier = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos))?.[0];
    if (identifier === undefined) this.fail('expected an object key');
    this.pos += identifier.length;
    return identifier;
  }

  private parseArray(): unknown[] {
    const result: unknown[] = [];
    this.parseItems(']', () => result.push(this.parseValue()));
    return result;
  }

  /** Reads the comma-separated items of a list opened at `pos`, up to and past `close`. */
  private parseItems(close: '}' | ']', parseItem: () => void): void {
    this.pos += 1;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos += 1;
        return;
      }
      parseItem();
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') this.pos += 1;
      else if (next !== close) this.fail(`expected "," or "${close}"`);
    }
  }

  private parseString(): string {
    const quote = this.text[this.pos];
    this.pos += 1;
    let out = '';
    for (;;) {
      const char = this.text[this.pos];
      if (char === undefined || char === '\n') this.fail('unterminated string');
      this.pos += 1;
      if (char === quote) return out;
      if (char !== '\\') {
        out += char;
        continue;
      }
      const escape = this.text[this.pos];
      this.pos += 1;
      switch (escape) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case '0':
          out += '\0';
          break;
        case '\\':
        case '"':
        case "'":
        case '/':
          out += escape;
          break;
        case '\n':
          break;
        case 'u':
          out += this.hexEscape(4);
          break;
        case 'x':
          out += this.hexEscape(2);
          break;
        default:
          this.fail(`unknown escape \\${escape ?? ''}`);
      }
    }
  }

  private hexEscape(length: number): string {
    const hex = this.text.slice(this.pos, this.pos + length);
    if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) this.fail('bad hex escape');
    this.pos += length;
    return String.fromCharCode(Number.parseInt(hex, 16));
  }

  private parseNumber(): number {
    const match = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!match) this.fail('bad number');
    this.pos += match[0].length;
    return Number(match[0]);
  }
}
