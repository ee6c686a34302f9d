import { ConfigError } from '@tasksgodzilla/core';
import { parseConfigContent, stripJsWrapper } from './codemachine.parse.js';

describe('parseConfigContent', () => {
  it.each([
    ['module.exports', 'module.exports = [{"id": "a"}];', [{ id: 'a' }]],
    ['export default', 'export default {"a": 1}', { a: 1 }],
    ['const binding', 'const agents = ["x", "y"];', ['x', 'y']],
    ['plain JSON', '{"k": [true, false, null]}', { k: [true, false, null] }],
  ])('strips the %s wrapper and parses JSON', (_label, content, expected) => {
    expect(parseConfigContent(content)).toEqual(expected);
  });

  it('accepts what Python literal_eval accepted: single quotes, trailing commas, True/None', () => {
    expect(parseConfigContent("module.exports = [ {'id': 'a', 'n': -1.5e2, 'ok': True, 'x': None,}, ];")).toEqual([
      { id: 'a', n: -150, ok: true, x: null },
    ]);
    expect(parseConfigContent("['it\\'s', \"say \\\"hi\\\"\", '\\u00e9\\n']")).toEqual(["it's", 'say "hi"', 'é\n']);
  });

  it('also accepts unquoted keys and comments (plain JS object literals)', () => {
    const content = `/* header */\n// more\nmodule.exports = [\n  // first agent\n  { id: 'a', promptPath: 'p.md', $x: 1 }, /* trailing */\n];\n`;
    expect(parseConfigContent(content)).toEqual([{ id: 'a', promptPath: 'p.md', $x: 1 }]);
  });

  it('never evaluates code: calls, require, spreads and identifiers are ConfigErrors', () => {
    for (const content of [
      "module.exports = [ { id: 'a', promptPath: require('./x') } ];",
      'module.exports = [...others];',
      'module.exports = [process.exit(1)];',
      "module.exports = { a: 'x' + 'y' };",
      'module.exports = [ { id: "a" } ',
    ]) {
      expect(() => parseConfigContent(content)).toThrow(ConfigError);
    }
    expect(() => parseConfigContent('[foo]')).toThrow(/Unable to parse config content: unexpected identifier "foo"/);
  });

  it('does not let a __proto__ key touch the prototype', () => {
    const parsed = parseConfigContent("{ '__proto__': { 'polluted': true } }") as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(parsed)).toEqual(['__proto__']);
  });

  it('returns null for empty content', () => {
    expect(parseConfigContent('  \n')).toBeNull();
    expect(stripJsWrapper('module.exports = [];')).toBe('[]');
  });
});
