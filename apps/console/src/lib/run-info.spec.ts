import { run } from '@tasksgodzilla/testing/client-fixtures';
import { templateLine, usageByStep } from './run-info.js';

describe('run info', () => {
  it('names the template: template_config.template, template_source, or the template folder', () => {
    expect(templateLine(run({ template_config: { template: { template: 'login', version: 2 } } }))).toBe(
      'Template: login v2',
    );
    expect(templateLine(run({ template_source: { name: 'codemachine' } }))).toBe('Template: codemachine');
    expect(templateLine(run({ template_config: { template_dir: '/srv/templates/login' } }))).toBe(
      'Template: /srv/templates/login',
    );
    expect(templateLine(run())).toBeNull();
  });

  it('reads usage by step when the api sends it', () => {
    expect(usageByStep({ by_step: [{ step_run_id: 1, step_name: 'a', tokens: 1, cost_usd: 0 }] })).toHaveLength(1);
    expect(usageByStep({})).toEqual([]);
    expect(usageByStep(undefined)).toEqual([]);
  });
});
