import { sha256Hex } from '@tasksgodzilla/core';

/**
 * Canonical JSON exactly as Python's
 * `json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=True)`:
 * keys sorted by code point at every level, no spaces, every character outside printable ASCII
 * escaped as lowercase `\uXXXX` (astral characters as surrogate pairs), and numbers printed the way
 * Python prints them.
 *
 * Numbers: JSON parsed in JavaScript cannot tell `1.0` from `1`, so a safe integer is printed as a
 * Python int (`1`) and every other number as Python's float repr (`0.5`, `1e-05`, `1e+16`). The
 * divergences from the original are an integral float below 2^53 (Python `1.0`, here `1`) and an
 * int beyond 2^53 (Python prints all digits, here a float repr); spec fields are strings, booleans
 * and small integers, so real specs hash the same.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, true) ?? 'null';
}

/** First 12 hex chars of the SHA-256 of the canonical JSON; a null or missing spec hashes `{}`. */
export function specHash(spec: unknown): string {
  const subject = spec === null || spec === undefined || isEmptyObject(spec) ? {} : spec;
  // A deep-frozen spec (specFromTemplateConfig's, over platform-storage's shared template_config)
  // cannot change: its hash is remembered by the object itself.
  const frozen = typeof subject === 'object' && Object.isFrozen(subject);
  const remembered = frozen ? frozenHashes.get(subject) : undefined;
  if (remembered !== undefined) return remembered;
  // Every event of a run carries its spec's hash, and every read of the run shows it: the spec is
  // parsed afresh from its row each time, so the canonical form is remembered by its plain JSON text
  // (the same value gives the same text; a value JSON cannot tell apart from another is not cached).
  const hash = hashByText(subject);
  if (frozen && isDeepFrozen(subject)) frozenHashes.set(subject, hash);
  return hash;
}

function hashByText(subject: unknown): string {
  const key = cacheKey(subject);
  const known = key === null ? undefined : recentHashes.get(key);
  if (known !== undefined) return known;
  const hash = sha256Hex(canonicalJson(subject)).slice(0, 12);
  if (key !== null) {
    if (recentHashes.size >= RECENT_HASHES) recentHashes.delete(recentHashes.keys().next().value as string);
    recentHashes.set(key, hash);
  }
  return hash;
}

const frozenHashes = new WeakMap<object, string>();

/** True when nothing inside `value` can change (checked once, before its hash is remembered). */
function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

const RECENT_HASHES = 64;
const recentHashes = new Map<string, string>();

/** `JSON.stringify` of a value made only of what JSON holds as it is (no NaN, ±Infinity, bigint, class instance), else null. */
function cacheKey(value: unknown): string | null {
  let plain = true;
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'number' && !Number.isFinite(item)) plain = false;
    else if (typeof item === 'bigint') {
      plain = false;
      return null;
    } else if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      const proto: unknown = Object.getPrototypeOf(item);
      if (proto !== Object.prototype && proto !== null) plain = false;
    }
    return item;
  });
  return plain && typeof text === 'string' ? text : null;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

// Returns undefined for values JSON omits from objects (undefined, functions, symbols).
function serialize(value: unknown, topLevel = false): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return pythonNumber(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return topLevel ? 'null' : undefined;
    default:
      break;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => serialize(item) ?? 'null').join(',')}]`;
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return serialize(withToJson.toJSON(), topLevel);
  const entries = Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => [key, serialize(item)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
    .sort((a, b) => compareCodePoints(a[0], b[0]));
  return `{${entries.map(([key, item]) => `${quote(key)}:${item}`).join(',')}}`;
}

/** Python sorts str keys by code point; JavaScript's default sort compares UTF-16 code units. */
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i += 1) {
    const diff = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function quote(text: string): string {
  let out = '"';
  // Iterating UTF-16 code units yields surrogate pairs as two escapes, as Python does.
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    const code = text.charCodeAt(i);
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) out += short;
    else if (code >= 0x20 && code <= 0x7e) out += char;
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  // A safe integer is what a Python int round-trips to; anything else can only have been a float.
  if (Number.isSafeInteger(value)) return String(value === 0 ? 0 : value);
  return pythonFloatRepr(value);
}

/**
 * Python's `repr(float)`: the shortest round-trip digits (the same digits JavaScript picks),
 * positional when the decimal exponent is in [-4, 16), otherwise scientific with a signed exponent
 * of at least two digits (`1e-05`, `1.5e+16`).
 */
export function pythonFloatRepr(value: number): string {
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const exponent = Number(exponentText);
  const digits = mantissa.replace('.', '');
  const sign = value < 0 ? '-' : '';
  if (exponent >= -4 && exponent < 16) {
    let body: string;
    if (exponent < 0) {
      body = `0.${'0'.repeat(-exponent - 1)}${digits}`;
    } else if (digits.length > exponent + 1) {
      body = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
    } else {
      body = `${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
    }
    return sign + body;
  }
  const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
  const expSign = exponent < 0 ? '-' : '+';
  return `${sign}${digits[0]}${fraction}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}
