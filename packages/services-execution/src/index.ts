export { createExecutionService } from './execution.service.js';
export { checkBudget } from './execution-budget.js';
export type { BudgetCheck } from './execution-budget.js';
export type {
  ExecuteStepInput,
  ExecuteStepResult,
  ExecutionConfig,
  ExecutionPlan,
  ExecutionService,
  ExecutionServiceDeps,
  UsageTotals,
} from './execution.types.js';
export { createAttemptFence } from './attempt-fence.js';
export type { AttemptFence, AttemptFenceDeps } from './attempt-fence.js';
