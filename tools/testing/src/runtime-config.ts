import { join } from 'node:path';

/** Config values (overrides for core's `loadConfig`) of a test runtime whose files all live in one folder. */
export interface TestRuntimeConfig {
  dataDir: string;
  dbPath: string;
  runsDir: string;
  projectsRoot: string;
  defaultEngine: 'shell';
  logLevel: 'silent';
  gitUser: string;
  gitEmail: string;
  githubApiUrl: string;
  gitlabApiUrl: string;
}

/**
 * A SQLite file, the runs and the projects under `dataDir`; the shell engine, silent logs, a test git
 * identity and both forge APIs on a closed port (nothing leaves the machine).
 */
export function testRuntimeConfig(dataDir: string): TestRuntimeConfig {
  return {
    dataDir,
    dbPath: join(dataDir, 'tgz.sqlite'),
    runsDir: join(dataDir, 'runs'),
    projectsRoot: join(dataDir, 'projects'),
    defaultEngine: 'shell',
    logLevel: 'silent',
    gitUser: 'TasksGodzilla Test',
    gitEmail: 'test@tasksgodzilla.invalid',
    githubApiUrl: 'http://127.0.0.1:9',
    gitlabApiUrl: 'http://127.0.0.1:9',
  };
}
