import { CONFIG_SCHEMA, CONFIG_VARIABLES, configReadmeTable, configVariable, loadConfig } from './config.js';
import { ConfigError } from './errors.js';

describe('loadConfig', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.queueBackend).toBe('embedded');
    expect(config.dbUrl).toBeUndefined();
    expect(config.dbPath).toBe('.tasksgodzilla/tasksgodzilla.sqlite');
    expect(config.runsDir).toBe('.tasksgodzilla/runs');
    expect(config.tokenBudgetMode).toBe('strict');
    expect(config.singleWorktree).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses every kind of variable', () => {
    const config = loadConfig({
      TASKSGODZILLA_DATA_DIR: '/var/tgz',
      TASKSGODZILLA_DB_URL: 'postgresql://localhost/test',
      TASKSGODZILLA_INLINE_RQ_WORKER: 'Yes',
      TASKSGODZILLA_WORKER_CONCURRENCY: '4',
      TASKSGODZILLA_MAX_COST_USD_PER_STEP: '0.75',
      TASKSGODZILLA_TOKEN_BUDGET_MODE: 'WARN',
      GH_TOKEN: 'ghp_x',
    });
    expect(config.dbUrl).toBe('postgresql://localhost/test');
    expect(config.dbPath).toBe('/var/tgz/tasksgodzilla.sqlite');
    expect(config.inlineWorker).toBe(true);
    expect(config.workerConcurrency).toBe(4);
    expect(config.maxCostUsdPerStep).toBe(0.75);
    expect(config.tokenBudgetMode).toBe('warn');
    expect(config.githubToken).toBe('ghp_x');
  });

  it('reads the feedback-loop switches: resume on by default, auto PR off, reviews ignored', () => {
    expect(loadConfig({})).toMatchObject({
      engineResume: true,
      autoPr: 'off',
      reactToReviews: false,
      feedbackMaxChars: 6000,
    });
    const config = loadConfig({
      TASKSGODZILLA_ENGINE_RESUME: 'off',
      TASKSGODZILLA_AUTO_PR: 'Draft',
      TASKSGODZILLA_REACT_TO_REVIEWS: '1',
      TASKSGODZILLA_FEEDBACK_MAX_CHARS: '2000',
    });
    expect(config).toMatchObject({
      engineResume: false,
      autoPr: 'draft',
      reactToReviews: true,
      feedbackMaxChars: 2000,
    });
    expect(() => loadConfig({ TASKSGODZILLA_AUTO_PR: 'always' })).toThrow(/TASKSGODZILLA_AUTO_PR must be one of/);
  });

  it('reports every problem at once, naming each variable', () => {
    let caught: unknown;
    try {
      loadConfig({
        TASKSGODZILLA_WORKER_CONCURRENCY: 'many',
        TASKSGODZILLA_LOG_JSON: 'maybe',
        TASKSGODZILLA_DB_URL: 'sqlite:///x.db',
        TASKSGODZILLA_QUEUE_BACKEND: 'bullmq',
        TASKSGODZILLA_SPEC_AUDIT_INTERVAL_SECONDS: '5',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('TASKSGODZILLA_WORKER_CONCURRENCY must be a whole number');
    expect(message).toContain('TASKSGODZILLA_LOG_JSON must be one of');
    expect(message).toContain('TASKSGODZILLA_DB_URL must start with postgres');
    expect(message).toContain('TASKSGODZILLA_REDIS_URL is required');
    expect(message).toContain('TASKSGODZILLA_SPEC_AUDIT_INTERVAL_SECONDS must be at least 30');
    expect(((caught as ConfigError).details?.issues as unknown[]).length).toBe(5);
  });

  it('lists each variable once with a description', () => {
    const names = CONFIG_VARIABLES.map((v) => v.env);
    expect(new Set(names).size).toBe(names.length);
    for (const variable of CONFIG_VARIABLES) expect(variable.description.length).toBeGreaterThan(5);
  });

  it('puts defaults under the data dir from TASKSGODZILLA_DATA_DIR only, and reads GH_TOKEN when GITHUB_TOKEN is absent', () => {
    expect(loadConfig({ TASKSGODZILLA_DATA_DIR: '/d' })).toMatchObject({
      dbPath: '/d/tasksgodzilla.sqlite',
      projectsRoot: '/d/projects',
      runsDir: '/d/runs',
    });
    expect(loadConfig({}, { dataDir: '/o' }).runsDir).toBe('.tasksgodzilla/runs');
    expect(loadConfig({ GH_TOKEN: 'gh' }).githubToken).toBe('gh');
    expect(loadConfig({ GITHUB_TOKEN: 'a', GH_TOKEN: 'b' }).githubToken).toBe('a');
    expect(loadConfig({ GITHUB_TOKEN: '', GH_TOKEN: 'b' }).githubToken).toBeUndefined();
  });

  it('derives every default of the parsed config from the schema', () => {
    const config = loadConfig({});
    for (const variable of CONFIG_VARIABLES) {
      const value = config[variable.key];
      const shown = variable.default?.replace('<data dir>', '.tasksgodzilla');
      expect(`${variable.env}=${value === undefined ? 'unset' : String(value)}`).toBe(
        `${variable.env}=${shown ?? 'unset'}`,
      );
    }
    expect(Object.keys(config)).toEqual(Object.keys(CONFIG_SCHEMA));
  });

  it('gives flags to the settings the api and worker expose, with bounds for whole numbers', () => {
    expect(configVariable('apiPort').flag).toEqual({ name: 'port', placeholder: 'port', max: 65_535 });
    expect(configVariable('workerConcurrency')).toMatchObject({ min: 1, flag: { name: 'concurrency', max: 1000 } });
    expect(configVariable('inlineWorker').flag?.name).toBe('inline-worker');
    expect(configVariable('dbUrl').flag).toBeUndefined();
    for (const variable of CONFIG_VARIABLES)
      if (variable.flag && variable.kind === 'int') expect(variable.flag.max).toBeGreaterThan(variable.min ?? 0);
  });

  it('renders the README table: variable, default or unset, meaning with values and (new)', () => {
    const lines = configReadmeTable().split('\n');
    expect(lines.slice(0, 2)).toEqual(['| variable | default | meaning |', '|---|---|---|']);
    expect(lines).toHaveLength(CONFIG_VARIABLES.length + 2);
    expect(lines).toContain('| `TASKSGODZILLA_ENV` | `local` | Environment name, logged at start. |');
    expect(lines).toContain('| `TASKSGODZILLA_REDIS_URL` | unset | Redis URL for the bullmq queue backend. |');
    expect(lines).toContain(
      "| `TASKSGODZILLA_AUTO_PR` | `off` | Open the run's PR/MR by itself after planning and keep it updated " +
        "(a run's `template_config.auto_pr` wins). One of: `off`, `draft`, `ready`. *(new)* |",
    );
  });
});

describe('setting parsers are built on first use', () => {
  it("a variable's schema is a getter (copied, not called, into CONFIG_VARIABLES) that builds one parser and keeps it", () => {
    const variable = configVariable('workerConcurrency');
    const descriptor = Object.getOwnPropertyDescriptor(variable, 'schema');
    expect(typeof descriptor?.get).toBe('function');
    expect(descriptor?.value).toBeUndefined();
    const first = variable.schema;
    expect(variable.schema).toBe(first);
    // The listed variable and its setting share the one parser.
    expect(CONFIG_SCHEMA.workerConcurrency.schema).toBe(first);
    expect(first.safeParse('3')).toEqual({ success: true, data: 3 });
  });
});
