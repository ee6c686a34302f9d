import { determineVerdict } from './verdict.js';

describe('determineVerdict', () => {
  it.each([
    ['Verdict: PASS', 'PASS'],
    ['Verdict: FAIL', 'FAIL'],
    ['verdict: pass', 'PASS'],
    ['**Verdict:** PASS', 'PASS'],
    ['**Verdict: PASS**', 'PASS'],
    ['- Verdict: pass', 'PASS'],
    ['* Verdict: **FAIL** (tests missing)', 'FAIL'],
    ['## Verdict: FAIL', 'FAIL'],
    ['### **Verdict**: Pass', 'PASS'],
    ['> **VERDICT**: FAIL', 'FAIL'],
    ['`Verdict: PASS`', 'PASS'],
    ['__Verdict__: Fail', 'FAIL'],
    ['   Verdict:    PASS   ', 'PASS'],
    ['Verdict:\tFAIL', 'FAIL'],
    ['VERDICT: PASS (no FAIL found)', 'PASS'],
    ['Verdict: ✅ PASS', 'PASS'],
    ['# Report\n\nAll good.\n\nVerdict: PASS\n', 'PASS'],
    ['Verdict: FAIL\n\nFixed since.\n\nVerdict: PASS', 'PASS'],
    ['Verdict: PASS\n\nOn second look:\n- **Verdict:** FAIL', 'FAIL'],
    ['Verdict: PASS\nTrailing notes after the verdict.', 'PASS'],
    ['Verdict: PASS\r\n', 'PASS'],
  ])('%j → %s', (report, expected) => {
    expect(determineVerdict(report)).toBe(expected);
  });

  it.each([
    [''],
    ['   \n\n'],
    ['All good, ship it.'],
    ['The verdict is PASS'],
    ['Final verdict: PASS'],
    ['Verdict PASS'],
    ['Verdict: ERROR'],
    ['Verdict: maybe'],
    ['Verdict:'],
    ['Verdict: PASS\nVerdict: unsure'],
  ])('%j → null', (report) => {
    expect(determineVerdict(report)).toBeNull();
  });
});
