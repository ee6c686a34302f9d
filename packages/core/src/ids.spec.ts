import { jest } from '@jest/globals';
import { randomHex } from './ids.js';

describe('randomHex', () => {
  it('gives the asked number of bytes as lowercase hex, different on each call', () => {
    const values = Array.from({ length: 50 }, () => randomHex(6));
    for (const value of values) expect(value).toMatch(/^[0-9a-f]{12}$/);
    expect(new Set(values).size).toBe(values.length);
    expect(randomHex(1)).toMatch(/^[0-9a-f]{2}$/);
    expect(randomHex(32)).toHaveLength(64);
  });

  it('uses every byte value (not a narrowed alphabet)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200 && seen.size < 256; i++) {
      const hex = randomHex(64);
      for (let j = 0; j < hex.length; j += 2) seen.add(hex.slice(j, j + 2));
    }
    expect(seen.size).toBe(256);
  });

  it('falls back to WebCrypto where the kernel source cannot be read', () => {
    const getBuiltinModule = process.getBuiltinModule;
    const filled: number[] = [];
    const original = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
    const spy = jest
      .spyOn(globalThis.crypto, 'getRandomValues')
      .mockImplementation(<T extends ArrayBufferView | null>(array: T) => {
        filled.push((array as unknown as Uint8Array).length);
        return original(array as never) as T;
      });
    (process as { getBuiltinModule: unknown }).getBuiltinModule = () => undefined;
    try {
      expect(randomHex(4)).toMatch(/^[0-9a-f]{8}$/);
      expect(filled).toEqual([4]);
    } finally {
      process.getBuiltinModule = getBuiltinModule;
      spy.mockRestore();
    }
  });

  it('rejects a count that is not a positive integer', () => {
    expect(() => randomHex(0)).toThrow(/bytes must be a positive integer, got 0/);
    expect(() => randomHex(1.5)).toThrow(RangeError);
  });
});
