import type { FastifyRequest } from 'fastify';
import type { Project, ProtocolRun, StepRun } from '@tasksgodzilla/core';
import type { AccessReads } from '../api.types.js';
import { assertProjectToken } from './auth.js';
import { HttpError } from './http-errors.js';

// Existence and per-project access, in the original's order: load (404), then X-Project-Token
// (401). Missing ids are 404 everywhere (the original answered 500 for protocol routes).

export async function projectAccess(
  reads: Pick<AccessReads, 'project'>,
  request: FastifyRequest,
  projectId: number,
): Promise<Project> {
  const project = await reads.project(projectId);
  if (!project) throw new HttpError(404, 'Project not found', 'not_found');
  assertProjectToken(request, project);
  return project;
}

// The run and its project come in one read (a join): the project token check needs the project anyway.
export async function runAccess(
  reads: Pick<AccessReads, 'protocolRunWithProject'>,
  request: FastifyRequest,
  runId: number,
): Promise<{ run: ProtocolRun; project: Project }> {
  const found = await reads.protocolRunWithProject(runId);
  if (!found) throw new HttpError(404, 'Protocol run not found', 'not_found');
  assertProjectToken(request, found.project);
  return found;
}

export async function stepAccess(
  reads: Pick<AccessReads, 'protocolRunWithProject' | 'step'>,
  request: FastifyRequest,
  stepId: number,
): Promise<{ step: StepRun; run: ProtocolRun; project: Project }> {
  const step = await reads.step(stepId);
  if (!step) throw new HttpError(404, 'Step not found', 'not_found');
  const { run, project } = await runAccess(reads, request, step.protocol_run_id);
  return { step, run, project };
}
