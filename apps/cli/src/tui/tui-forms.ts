import { stepQuestion, type ProtocolRunOut, type StepRunOut } from '@tasksgodzilla/client';
import type { TuiLoaders } from './tui-loaders.js';
import type { TuiSelection } from './tui-selection.js';
import { errorText, type StoreCore } from './tui-store-core.js';
import type { CreateProjectInput, CreateProtocolInput, ImportInput, SpecAuditInput } from './tui-store.types.js';

/** What the dialogs submit; each resolves true on success, else false with the reason on the status line. */
export interface TuiForms {
  createProject(input: CreateProjectInput): Promise<boolean>;
  createProtocol(input: CreateProtocolInput): Promise<boolean>;
  specAudit(input: SpecAuditInput): Promise<boolean>;
  importCodeMachine(input: ImportInput): Promise<boolean>;
  deleteBranch(): Promise<boolean>;
  /** The step whose question the answer dialog answers: the selected step, else the run's first waiting one. */
  questionStep(): { step: StepRunOut; question: string } | null;
  /** Answers `questionStep()`'s question; the step is re-queued. */
  answerStep(answer: string): Promise<boolean>;
}

export function createTuiForms(core: StoreCore, loaders: TuiLoaders, selection: TuiSelection): TuiForms {
  const { getState: state, set, setStatus, act, client } = core;

  const needProject = (): number | null => {
    const projectId = state().projectId;
    if (projectId === null) setStatus('Select a project.', 'error');
    return projectId;
  };

  const questionStep = (): { step: StepRunOut; question: string } | null => {
    const { steps, stepId } = state();
    const selected = steps.find((s) => s.id === stepId);
    const step = selected && stepQuestion(selected) !== null ? selected : steps.find((s) => stepQuestion(s) !== null);
    const question = step ? stepQuestion(step) : null;
    return step && question !== null ? { step, question } : null;
  };

  return {
    questionStep,
    answerStep: async (answer) => {
      const target = questionStep();
      if (!target) {
        setStatus('No step is waiting for an answer.', 'error');
        return false;
      }
      if (answer.trim() === '') {
        setStatus('Answer is required.', 'error');
        return false;
      }
      return act(
        () => client().answerStep(target.step.id, answer.trim()),
        () => `Answered ${target.step.step_name}; it runs again.`,
        () => Promise.all([loaders.steps(), loaders.protocolEvents(), loaders.protocols()]),
      );
    },

    createProject: async (input) => {
      try {
        const project = await client().createProject({
          name: input.name.trim(),
          git_url: input.gitUrl.trim(),
          base_branch: input.baseBranch.trim() || 'main',
          ...(input.localPath.trim() ? { local_path: input.localPath.trim() } : {}),
          ci_provider: input.ciProvider === 'github' || input.ciProvider === 'gitlab' ? input.ciProvider : null,
        });
        await loaders.projects();
        await selection.selectProject(project.id);
        setStatus(`Created project ${project.id}.`, 'ok');
        return true;
      } catch (error) {
        setStatus(`Create project failed: ${errorText(error)}`, 'error');
        return false;
      }
    },

    createProtocol: async (input) => {
      const projectId = needProject();
      if (projectId === null) return false;
      let created: ProtocolRunOut;
      try {
        created = await client().createProtocol(projectId, {
          protocol_name: input.name.trim(),
          base_branch: input.baseBranch.trim() || 'main',
          description: input.description.trim() || null,
          template: input.template.trim() || null,
          auto_advance: input.autoAdvance,
        });
      } catch (error) {
        setStatus(`Create protocol failed: ${errorText(error)}`, 'error');
        return false;
      }
      await loaders.protocols();
      await selection.selectProtocol(created.id);
      if (!input.start) {
        setStatus(`Created protocol ${created.id}.`, 'ok');
        return true;
      }
      return act(
        () => client().startProtocol(created.id),
        () => `Created protocol ${created.id}. Protocol ${created.id} queued for planning.`,
        () => Promise.all([loaders.protocols(), loaders.steps(), loaders.protocolEvents()]),
      );
    },

    specAudit: async (input) => {
      const ok = await act(
        () =>
          client().auditSpecs({
            project_id: input.projectId,
            protocol_id: input.protocolId,
            backfill: input.backfill,
            interval_seconds: input.intervalSeconds,
          }),
        () => 'Spec audit enqueued.',
        loaders.recentEvents,
      );
      if (!ok) setStatus(`Spec audit failed: ${state().status.text}`, 'error');
      return ok;
    },

    importCodeMachine: async (input) => {
      const projectId = needProject();
      if (projectId === null) return false;
      try {
        const result = await client().importCodeMachine(projectId, {
          protocol_name: input.name.trim(),
          workspace_path: input.workspacePath.trim(),
          base_branch: input.baseBranch.trim() || 'main',
          description: input.description.trim() || null,
          enqueue: input.enqueue,
        });
        await loaders.protocols();
        await selection.selectProtocol(result.protocol_run.id);
        setStatus(result.message, 'ok');
        return true;
      } catch (error) {
        setStatus(`Import failed: ${errorText(error)}`, 'error');
        return false;
      }
    },

    deleteBranch: async () => {
      const { projectId, branch } = state();
      if (projectId === null || !branch) {
        setStatus('Select a branch.', 'error');
        return false;
      }
      try {
        await client().deleteBranch(projectId, branch, { confirm: true });
        set({ branch: null });
        setStatus(`Deleted branch ${branch}.`, 'ok');
        await loaders.branches();
        return true;
      } catch (error) {
        setStatus(`Delete failed: ${errorText(error)}`, 'error');
        return false;
      }
    },
  };
}
