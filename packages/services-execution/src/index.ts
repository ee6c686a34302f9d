export { createExecutionService, stepCommitMessage } from './execution.service.js';
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
