import { statSync } from 'node:fs';
import { ValidationError, type FieldIssue } from '@tasksgodzilla/core';
import {
  ENGINE_OPERATIONS,
  ENGINE_SANDBOXES,
  type EngineOperation,
  type EngineRequest,
  type EngineRunDefaults,
  type EngineSandbox,
} from './engine.types.js';

export const DEFAULT_ENGINE_TIMEOUT_MS = 3_600_000;
export const DEFAULT_ENGINE_STALL_TIMEOUT_MS = 300_000;
export const DEFAULT_KILL_GRACE_MS = 2_000;

/** Planning and QA only read; execution writes inside the worktree. */
export function defaultSandbox(operation: EngineOperation): EngineSandbox {
  return operation === 'execute' ? 'workspace-write' : 'read-only';
}

export interface RunSettings {
  sandbox: EngineSandbox;
  timeoutMs: number;
  stallTimeoutMs: number;
  killGraceMs: number;
}

function positive(issues: FieldIssue[], field: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    issues.push({ path: [field], message: `${field} must be a positive number` });
  }
}

/**
 * Checks a request before anything is spawned and fills in the defaults. Throws a ValidationError
 * listing every problem.
 */
export function prepareRequest(
  engineId: string,
  operation: EngineOperation,
  request: EngineRequest,
  defaults: EngineRunDefaults,
): RunSettings {
  const issues: FieldIssue[] = [];
  if (!ENGINE_OPERATIONS.includes(operation)) {
    issues.push({ path: ['operation'], message: `operation must be one of ${ENGINE_OPERATIONS.join(', ')}` });
  }
  if (typeof request !== 'object' || request === null) {
    throw new ValidationError(`Invalid ${engineId} ${operation} request: not an object`, [
      { path: [], message: 'request must be an object' },
    ]);
  }
  if (typeof request.prompt !== 'string') issues.push({ path: ['prompt'], message: 'prompt must be a string' });
  if (typeof request.workingDir !== 'string' || request.workingDir.trim() === '') {
    issues.push({ path: ['workingDir'], message: 'workingDir is required' });
  } else {
    let isDir = false;
    try {
      isDir = statSync(request.workingDir).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir)
      issues.push({ path: ['workingDir'], message: `workingDir ${request.workingDir} is not an existing directory` });
  }
  if (request.model !== undefined && request.model !== null && typeof request.model !== 'string') {
    issues.push({ path: ['model'], message: 'model must be a string or null' });
  }
  if (request.sandbox !== undefined && !ENGINE_SANDBOXES.includes(request.sandbox)) {
    issues.push({ path: ['sandbox'], message: `sandbox must be one of ${ENGINE_SANDBOXES.join(', ')}` });
  }
  positive(issues, 'timeoutMs', request.timeoutMs);
  positive(issues, 'stallTimeoutMs', request.stallTimeoutMs);
  positive(issues, 'maxBudgetUsd', request.maxBudgetUsd);
  positive(issues, 'maxTokens', request.maxTokens);
  positive(issues, 'maxTurns', request.maxTurns);
  if (
    request.outputSchema !== undefined &&
    request.outputSchema !== null &&
    (typeof request.outputSchema !== 'object' || Array.isArray(request.outputSchema))
  ) {
    issues.push({ path: ['outputSchema'], message: 'outputSchema must be a JSON Schema object' });
  }
  if (issues.length > 0) {
    throw new ValidationError(
      `Invalid ${engineId} ${operation} request: ${issues.map((i) => i.message).join('; ')}`,
      issues,
    );
  }
  return {
    sandbox: request.sandbox ?? defaultSandbox(operation),
    timeoutMs: request.timeoutMs ?? defaults.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS,
    stallTimeoutMs: request.stallTimeoutMs ?? defaults.stallTimeoutMs ?? DEFAULT_ENGINE_STALL_TIMEOUT_MS,
    killGraceMs: defaults.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
  };
}
