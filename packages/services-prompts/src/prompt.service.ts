import type { PromptInfo, PromptResult, PromptTemplate, PromptVars } from './prompt.types.js';
import {
  decomposePromptVars,
  discoveryPromptVars,
  execPromptVars,
  planningPromptVars,
  qaPromptVars,
} from './prompt.builders.js';
import type {
  DecomposePromptInput,
  DiscoveryPromptInput,
  ExecPromptInput,
  PlanningPromptInput,
  QaPromptInput,
} from './prompt.builders.js';
import { defaultTemplatesDir, listTemplates, loadProjectTemplate, loadTemplate } from './prompt-templates.js';
import { loadDiscoverySummary, loadReferenceTemplates } from './project-files.js';
import { renderTemplate } from './template-render.js';

export interface PromptServiceDeps {
  /** Folder of `<role>.md` templates; defaults to the templates shipped with this package. */
  templatesDir?: string;
  /**
   * Read the project's own files from its checkouts: prompt overrides (`.tasksgodzilla/prompts/<role>.md`),
   * reference templates and discovery notes. Default true.
   */
  projectFiles?: boolean;
  /** Longest discovery summary put into the planning and exec prompts, in characters (default 6,000). */
  discoverySummaryMaxChars?: number;
}

export interface ResolveOptions {
  /** Checkouts searched, in order, for `.tasksgodzilla/prompts/<role>.md` before the service's templates. */
  projectRoots?: readonly (string | null | undefined)[];
}

export interface PromptService {
  readonly templatesDir: string;
  /** Renders a role's template (the project's own first, see ResolveOptions). `version` is the template's fingerprint. */
  resolvePrompt(role: string, vars: PromptVars, options?: ResolveOptions): Promise<PromptResult>;
  listPrompts(): Promise<PromptInfo[]>;
  getTemplate(role: string): Promise<PromptTemplate>;
  buildPlanningPrompt(input: PlanningPromptInput): Promise<PromptResult>;
  buildDecomposePrompt(input: DecomposePromptInput): Promise<PromptResult>;
  buildExecPrompt(input: ExecPromptInput): Promise<PromptResult>;
  /** The QA prompt; its text always ends with the instruction to answer `Verdict: PASS|FAIL`. */
  buildQaPrompt(input: QaPromptInput): Promise<PromptResult>;
  buildDiscoveryPrompt(input: DiscoveryPromptInput): Promise<PromptResult>;
}

/** Added to a project's QA template that does not ask for the verdict line, which QA needs. */
export const QA_VERDICT_INSTRUCTION =
  'End the report with one last line on its own, with no other text or formatting: `Verdict: PASS` when there is no blocking issue, otherwise `Verdict: FAIL`.';

function uniqueRoots(roots: readonly (string | null | undefined)[] | undefined): string[] {
  return [...new Set((roots ?? []).filter((root): root is string => typeof root === 'string' && root !== ''))];
}

/**
 * PromptService: templates are files read when used (no cache, so an edited template takes effect
 * and its new fingerprint is reported at once); nothing is read at construction. A project's own
 * prompt files in its checkouts come first (lookup order in the README).
 */
export function createPromptService(deps: PromptServiceDeps = {}): PromptService {
  // The shipped folder is looked up when first needed: resolving this package's path cost a start ~15 ms (issue 12).
  let shippedDir: string | undefined;
  const templatesDir = (): string => deps.templatesDir ?? (shippedDir ??= defaultTemplatesDir());
  const projectFiles = deps.projectFiles ?? true;
  const summaryMax = deps.discoverySummaryMaxChars ?? 6000;

  const resolvePrompt = async (role: string, vars: PromptVars, options: ResolveOptions = {}): Promise<PromptResult> => {
    const roots = projectFiles ? uniqueRoots(options.projectRoots) : [];
    const own = roots.length > 0 ? await loadProjectTemplate(roots, role) : null;
    const template = own ?? (await loadTemplate(templatesDir(), role));
    const label = own ? `role ${role} (project template ${own.path})` : `role ${role}`;
    return {
      role,
      text: renderTemplate(template.text, vars, label),
      version: template.version,
      path: template.path,
      source: own ? 'project' : 'default',
    };
  };

  const discoverySummary = async (given: string | null | undefined, roots: string[]): Promise<string | null> => {
    if (given !== undefined && given !== null) return given;
    return projectFiles ? loadDiscoverySummary(roots, summaryMax) : null;
  };

  return {
    get templatesDir() {
      return templatesDir();
    },
    resolvePrompt,
    listPrompts: () => listTemplates(templatesDir()),
    getTemplate: (role) => loadTemplate(templatesDir(), role),
    buildPlanningPrompt: async (input) => {
      const roots = uniqueRoots([input.worktreeRoot, input.projectRoot]);
      const referenceTemplates =
        input.referenceTemplates ?? (projectFiles ? await loadReferenceTemplates(roots) : null);
      const vars = planningPromptVars({
        ...input,
        referenceTemplates,
        discoverySummary: await discoverySummary(input.discoverySummary, roots),
      });
      return resolvePrompt('planning', vars, { projectRoots: roots });
    },
    buildDecomposePrompt: (input) =>
      resolvePrompt('decompose', decomposePromptVars(input), { projectRoots: [input.workspaceRoot] }),
    buildExecPrompt: async (input) => {
      const roots = uniqueRoots([input.workspaceRoot, input.projectRoot]);
      const vars = execPromptVars({
        ...input,
        discoverySummary: await discoverySummary(input.discoverySummary, roots),
      });
      return resolvePrompt('exec', vars, { projectRoots: roots });
    },
    buildQaPrompt: async (input) => {
      const result = await resolvePrompt('qa', qaPromptVars(input), { projectRoots: [input.workspaceRoot] });
      if (result.source === 'project' && !/Verdict:\s*PASS/.test(result.text))
        result.text = `${result.text.trimEnd()}\n\n${QA_VERDICT_INSTRUCTION}\n`;
      return result;
    },
    buildDiscoveryPrompt: (input) =>
      resolvePrompt('discovery', discoveryPromptVars(input), { projectRoots: [input.repoRoot] }),
  };
}
