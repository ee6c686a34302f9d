import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { hostPath, intInRange, nonBlank, oneOf, parseId, parseJsonObject, parseSeconds } from './parse.js';

describe('argument parsers', () => {
  it('parseId accepts positive integers only', () => {
    expect(parseId('7')).toBe(7);
    expect(parseId(' 12 ')).toBe(12);
    for (const bad of ['0', '-1', '1.5', 'abc', '', '99999999999999999999'])
      expect(() => parseId(bad)).toThrow(InvalidArgumentError);
  });

  it('intInRange checks bounds', () => {
    expect(intInRange(1, 500)('20')).toBe(20);
    expect(() => intInRange(1, 500)('501')).toThrow('expected a number from 1 to 500, got 501.');
    expect(() => intInRange(1, 500)('x')).toThrow(InvalidArgumentError);
  });

  it('parseSeconds accepts non-negative numbers', () => {
    expect(parseSeconds('1.5')).toBe(1.5);
    expect(parseSeconds('0')).toBe(0);
    for (const bad of ['-1', 'soon', '']) expect(() => parseSeconds(bad)).toThrow(InvalidArgumentError);
  });

  it('parseJsonObject wants an object', () => {
    expect(parseJsonObject('{"planning":"m"}')).toEqual({ planning: 'm' });
    for (const bad of ['[1]', '"x"', '{bad', 'null']) expect(() => parseJsonObject(bad)).toThrow(InvalidArgumentError);
  });

  it('oneOf and nonBlank', () => {
    expect(oneOf(['a', 'b'] as const)('a')).toBe('a');
    expect(() => oneOf(['a', 'b'] as const)('c')).toThrow('expected one of a, b, got "c".');
    expect(() => nonBlank('  ')).toThrow(InvalidArgumentError);
  });

  describe('hostPath', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'tgz-parse-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('makes existing local paths absolute', () => {
      expect(hostPath(relative(process.cwd(), dir))).toBe(dir);
    });

    it('keeps URLs, scp-style remotes and paths that do not exist here', () => {
      expect(hostPath('https://github.com/acme/api.git')).toBe('https://github.com/acme/api.git');
      expect(hostPath('git@github.com:acme/api.git')).toBe('git@github.com:acme/api.git');
      expect(hostPath('/srv/nowhere/repo.git')).toBe('/srv/nowhere/repo.git');
    });
  });
});
