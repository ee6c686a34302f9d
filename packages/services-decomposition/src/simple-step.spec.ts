import { isSimpleStep } from './simple-step.js';

const lines = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i + 1)).join('\n');

describe('isSimpleStep', () => {
  it('a short step with a few bullets is simple', () => {
    expect(isSimpleStep('# Setup\n\n- install deps\n- run tests\n')).toBe(true);
    expect(isSimpleStep('')).toBe(true);
  });

  it('more than 6 dash/star/plus bullets is not simple', () => {
    expect(isSimpleStep(lines(6, (i) => `- task ${i}`))).toBe(true);
    expect(isSimpleStep(lines(7, (i) => `${['-', '*', '+'][i % 3]} task ${i}`))).toBe(false);
  });

  it('numbered-list items count as bullets (the original never counted them)', () => {
    expect(isSimpleStep(lines(6, (i) => `${i}. task`))).toBe(true);
    expect(isSimpleStep(lines(7, (i) => `${i}. task`))).toBe(false);
    expect(isSimpleStep(lines(7, (i) => `  ${i}) task`))).toBe(false);
    expect(isSimpleStep(['1. one', '2. two', '3. three', '- four', '- five', '* six', '+ seven'].join('\n'))).toBe(
      false,
    );
  });

  it('lines that only look like bullets do not count', () => {
    expect(isSimpleStep(lines(10, (i) => `2024.${i} release notes, -flag, *emphasis*`))).toBe(true);
    expect(isSimpleStep(lines(10, (i) => `**bold ${i}**`))).toBe(true);
  });

  it('more than 12 non-blank lines is not simple; blank lines do not count', () => {
    expect(isSimpleStep(lines(12, (i) => `line ${i}\n`))).toBe(true);
    expect(isSimpleStep(lines(13, (i) => `line ${i}`))).toBe(false);
  });

  it('more than 1,200 characters (code points) is not simple', () => {
    expect(isSimpleStep('x'.repeat(1200))).toBe(true);
    expect(isSimpleStep('x'.repeat(1201))).toBe(false);
    // 600 emoji are 1,200 UTF-16 units but 600 code points.
    expect(isSimpleStep('😀'.repeat(1200))).toBe(true);
    expect(isSimpleStep('😀'.repeat(1201))).toBe(false);
  });

  it('limits can be changed', () => {
    expect(isSimpleStep('- a\n- b\n- c', { maxBullets: 2 })).toBe(false);
  });
});
