import { parseMetrics, serverObservability } from './metrics.js';

const TEXT = `# HELP qa_verdict_total QA verdicts, by verdict.
# TYPE qa_verdict_total counter
qa_verdict_total{verdict="PASS"} 3
qa_verdict_total{verdict="fail"} 1
tokens_used_total{phase="exec",model="gpt-5.1",engine="codex",kind="input"} 1000
tokens_used_total{phase="exec",model="gpt-5.1",engine="codex",kind="output"} 200
tokens_used_total{phase="qa",model="",engine="shell",kind="input"} 0
engine_cost_usd_total{phase="exec",model="gpt-5.1",engine="codex"} 0.25
requests_total 12
weird_metric{label="a \\"quoted\\" value"} 1
`;

describe('metrics', () => {
  it('parses samples with labels, escapes included', () => {
    const samples = parseMetrics(TEXT);
    expect(samples.find((s) => s.name === 'requests_total')).toEqual({ name: 'requests_total', labels: {}, value: 12 });
    expect(samples.find((s) => s.name === 'weird_metric')?.labels).toEqual({ label: 'a "quoted" value' });
    expect(parseMetrics(TEXT, ['qa_verdict_total'])).toHaveLength(2);
  });

  it('sums verdicts, tokens and cost per phase and model', () => {
    const data = serverObservability(TEXT);
    expect(data).toMatchObject({ pass: 3, total: 4, passRate: 0.75 });
    expect(data.verdicts).toEqual([
      { verdict: 'FAIL', count: 1 },
      { verdict: 'PASS', count: 3 },
    ]);
    expect(data.byPhase).toEqual([
      { key: 'exec', tokens: 1200, costUsd: 0.25 },
      { key: 'qa', tokens: 0, costUsd: 0 },
    ]);
    expect(data.byModel.map((row) => row.key)).toEqual(['gpt-5.1', 'default']);
  });

  it('answers n/a without verdicts', () => {
    expect(serverObservability('').passRate).toBeNull();
  });
});
