export { createExecutionService, stepCommitMessage, stepCommitTrailer } from './execution.service.js';
export { checkBudget } from './execution-budget.js';
export type { BudgetCheck, BudgetCheckInput, BudgetLimits } from './execution-budget.js';
export type {
  ExecuteStepInput,
  ExecuteStepResult,
  ExecutionConfig,
  ExecutionPlan,
  ExecutionService,
  ExecutionServiceDeps,
  UsageTotals,
} from './execution.types.js';
export { ATTEMPT_LOCK_FILE, createAttemptFence } from './attempt-fence.js';
export type { AttemptFence, AttemptFenceDeps, AttemptLock, AttemptLockRecord, FenceReport } from './attempt-fence.js';
