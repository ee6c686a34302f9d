import { run } from '@tasksgodzilla/testing/client-fixtures';
import { templateLine } from './run-info.js';

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
});
