export { POSTGRES_ADMIN_URL, REDIS_URL, canConnect, isCi, postgresAvailable, redisAvailable } from './services.js';
export { createTestPostgresDatabase } from './postgres.js';
export type { TestPostgresDatabase } from './postgres.js';
export { createTempDir, useTempDir } from './fs.js';
export type { TempDir } from './fs.js';
export { createTestRepo, git, isolatedGitEnv } from './git.js';
export type { TestRepo } from './git.js';
export { seededRandom } from './random.js';
