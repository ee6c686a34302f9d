import { defaultLocalDataDir, loadLocalConfig } from './config.js';
import { ConfigError } from './errors.js';

describe('defaultLocalDataDir', () => {
  it('uses an absolute XDG_DATA_HOME, else HOME/.local/share', () => {
    expect(defaultLocalDataDir({ XDG_DATA_HOME: '/x/data/', HOME: '/home/a' })).toBe('/x/data/tasksgodzilla');
    expect(defaultLocalDataDir({ XDG_DATA_HOME: 'relative', HOME: '/home/a' })).toBe(
      '/home/a/.local/share/tasksgodzilla',
    );
    expect(defaultLocalDataDir({ HOME: '/home/a' })).toBe('/home/a/.local/share/tasksgodzilla');
  });

  it('is a ConfigError naming the way out when neither is set', () => {
    expect(() => defaultLocalDataDir({})).toThrow(ConfigError);
    expect(() => defaultLocalDataDir({})).toThrow(/--data-dir/);
  });
});

describe('loadLocalConfig', () => {
  it('puts the database, runs and worktrees under the data folder, SQLite and an inline worker on a free port', () => {
    const config = loadLocalConfig(
      {
        HOME: '/home/a',
        TASKSGODZILLA_DB_URL: 'postgres://server/db',
        TASKSGODZILLA_QUEUE_BACKEND: 'bullmq',
        TASKSGODZILLA_REDIS_URL: 'redis://server',
        TASKSGODZILLA_DEFAULT_ENGINE: 'shell',
        TASKSGODZILLA_API_PORT: '8010',
      },
      { apiToken: 'secret-token', logLevel: 'error' },
    );
    expect(config.dataDir).toBe('/home/a/.local/share/tasksgodzilla');
    expect(config.dbPath).toBe('/home/a/.local/share/tasksgodzilla/tasksgodzilla.sqlite');
    expect(config.runsDir).toBe('/home/a/.local/share/tasksgodzilla/runs');
    expect(config.worktreesRoot).toBe('/home/a/.local/share/tasksgodzilla/worktrees');
    expect(config.projectsRoot).toBe('/home/a/.local/share/tasksgodzilla/projects');
    expect(config.dbUrl).toBeUndefined();
    expect(config.queueBackend).toBe('embedded');
    expect(config.inlineWorker).toBe(true);
    expect(config.apiHost).toBe('127.0.0.1');
    expect(config.apiPort).toBe(0);
    expect(config.apiToken).toBe('secret-token');
    expect(config.logLevel).toBe('error');
    expect(config.defaultEngine).toBe('shell');
  });

  it('takes --data-dir first, then TASKSGODZILLA_DATA_DIR; an explicit worktrees root wins', () => {
    const env = { HOME: '/home/a', TASKSGODZILLA_DATA_DIR: '/env/data', TASKSGODZILLA_WORKTREES_ROOT: '/wt' };
    expect(loadLocalConfig(env, { apiToken: 't' }).dbPath).toBe('/env/data/tasksgodzilla.sqlite');
    const flagged = loadLocalConfig(env, { apiToken: 't', dataDir: '/flag/data' });
    expect(flagged.dbPath).toBe('/flag/data/tasksgodzilla.sqlite');
    expect(flagged.worktreesRoot).toBe('/wt');
  });

  it('still reports a bad variable', () => {
    expect(() => loadLocalConfig({ HOME: '/h', TASKSGODZILLA_WORKER_CONCURRENCY: 'x' }, { apiToken: 't' })).toThrow(
      ConfigError,
    );
  });
});
