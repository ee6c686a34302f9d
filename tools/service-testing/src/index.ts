export { TEST_TIME } from './time.js';
export { createTestTelemetry } from './telemetry.js';
export type { TestTelemetry } from './telemetry.js';
export { ENGINE_TEST_TIMEOUTS, project, protocolRun, stepRun } from './fixtures.js';
export { FAKE_ENGINES_DIR, fakeEngineBinary, fakeEngineScript, writeFixture } from './fake-engines.js';
export type { FakeEngineName } from './fake-engines.js';
export { createWorkspace } from './workspace.js';
export type { Workspace, WorkspaceOptions } from './workspace.js';
export { CODEMACHINE_WORKSPACE, DEMO_STEP_NAMES, DEMO_TEMPLATE, demoSpec } from './demo-template.js';
export type { DemoStepOverride } from './demo-template.js';
export { collectPages, createTestBed, runEvents } from './test-bed.js';
export type { TestBed, TestDialect } from './test-bed.js';
export {
  fakeArgvFile,
  fakeCliOptions,
  readFakeArgv,
  useProcessEnv,
  useStepWorkspace,
  workspaceStepInput,
} from './step-suites.js';
export type { FakeArgv, FakeCliOptions, StepSuite, WorkspaceStepInput } from './step-suites.js';
