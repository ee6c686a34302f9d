import { checkBudget, type BudgetLimits } from './execution-budget.js';

const spent = (protocol: [number, number], step: [number, number]) => ({
  protocol: { tokens: protocol[0], cost_usd: protocol[1] },
  step: { tokens: step[0], cost_usd: step[1] },
});
const check = (limits: BudgetLimits, estimate: number, used = spent([0, 0], [0, 0])) =>
  checkBudget({ estimatedTokens: estimate, spent: used, limits, context: 'exec:01-a.md' });

describe('checkBudget', () => {
  it('no limits: ok, nothing remaining to cap', () => {
    expect(check({ mode: 'strict' }, 1_000_000)).toEqual({
      ok: true,
      mode: 'strict',
      message: null,
      violations: [],
      remaining: { tokens: null, cost_usd: null },
    });
  });

  it('off: never checks, even over every limit', () => {
    expect(check({ mode: 'off', maxTokensPerStep: 1, maxCostUsdPerStep: 0 }, 50, spent([9, 9], [9, 9]))).toMatchObject({
      ok: true,
      message: null,
      remaining: { tokens: null, cost_usd: null },
    });
  });

  it('a single prompt over the step limit: the original message', () => {
    const result = check({ mode: 'strict', maxTokensPerStep: 100 }, 101);
    expect(result.ok).toBe(false);
    expect(result.message).toBe(
      'Estimated prompt tokens (101) exceed the configured per-step limit (100) for exec:01-a.md. Reduce context or raise the budget.',
    );
    expect(check({ mode: 'strict', maxTokensPerStep: 100 }, 100).ok).toBe(true);
  });

  it('cumulative: spent tokens of the step and of the protocol count against their own limits', () => {
    const limits: BudgetLimits = { mode: 'warn', maxTokensPerStep: 1000, maxTokensPerProtocol: 5000 };
    expect(check(limits, 100, spent([4000, 0], [800, 0]))).toMatchObject({ ok: true, remaining: { tokens: 200 } });
    const overStep = check(limits, 300, spent([4000, 0], [800, 0]));
    expect(overStep.violations).toEqual([
      'Estimated prompt tokens (300) plus 800 already spent on this step exceed the configured per-step limit (1000) for exec:01-a.md. Reduce context or raise the budget.',
    ]);
    const overBoth = check(limits, 300, spent([4900, 0], [800, 0]));
    expect(overBoth.violations).toHaveLength(2);
    expect(overBoth.remaining.tokens).toBe(100);
    expect(overBoth.mode).toBe('warn');
  });

  it('USD: fails once spent reaches the limit; the remainder is the live cap', () => {
    const limits: BudgetLimits = { mode: 'strict', maxCostUsdPerStep: 2, maxCostUsdPerProtocol: 10 };
    expect(check(limits, 10, spent([0, 9.25], [0, 0.5]))).toMatchObject({
      ok: true,
      remaining: { tokens: null, cost_usd: 0.75 },
    });
    const spentOut = check(limits, 10, spent([0, 3], [0, 2]));
    expect(spentOut.ok).toBe(false);
    expect(spentOut.message).toBe(
      'USD already spent on this step (2) has reached the configured per-step budget (2) for exec:01-a.md. Raise the budget.',
    );
  });
});
