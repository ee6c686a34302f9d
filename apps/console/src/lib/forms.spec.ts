import { parseDefaultModels, protocolCreateBody } from './forms.js';

describe('forms', () => {
  it('parses default models, reporting bad JSON instead of dropping it', () => {
    expect(parseDefaultModels('  ')).toEqual({ value: null });
    expect(parseDefaultModels('{"exec": "gpt-5.1"}')).toEqual({ value: { exec: 'gpt-5.1' } });
    expect(parseDefaultModels('{exec}').error).toMatch(/not valid JSON/);
    expect(parseDefaultModels('["x"]').error).toMatch(/must be a JSON object/);
  });

  it('creates protocol runs pending (no status sent), with template and auto-advance', () => {
    const body = protocolCreateBody({
      name: ' 0001-x ',
      baseBranch: '',
      description: ' ',
      template: ' /srv/t ',
      autoAdvance: true,
    });
    expect(body).toEqual({
      protocol_name: '0001-x',
      base_branch: 'main',
      description: null,
      template: '/srv/t',
      auto_advance: true,
    });
    expect(body).not.toHaveProperty('status');
  });
});
