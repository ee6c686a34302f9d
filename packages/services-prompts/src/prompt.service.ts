import type { PromptInfo, PromptResult, PromptTemplate, PromptVars } from './prompt.types.js';
import {
  decomposePromptVars,
  discoveryPromptVars,
  execPromptVars,
  planningPromptVars,
  qaPromptVars,
} from './prompt.builders.js';
import type { DecomposePromptInput, DiscoveryPromptInput, ExecPromptInput, PlanningPromptInput, QaPromptInput } from './prompt.builders.js';
import { defaultTemplatesDir, listTemplates, loadTemplate } from './prompt-templates.js';
import { renderTemplate } from './template-render.js';

export interface PromptServiceDeps {
  /** Folder of `<role>.md` templates; defaults to the templates shipped with this package. */
  templatesDir?: string;
}

export interface PromptService {
  readonly templatesDir: string;
  /** Renders a role's template. `version` is the template's fingerprint. */
  resolvePrompt(role: string, vars: PromptVars): Promise<PromptResult>;
  listPrompts(): Promise<PromptInfo[]>;
  getTemplate(role: string): Promise<PromptTemplate>;
  buildPlanningPrompt(input: PlanningPromptInput): Promise<PromptResult>;
  buildDecomposePrompt(input: DecomposePromptInput): Promise<PromptResult>;
  buildExecPrompt(input: ExecPromptInput): Promise<PromptResult>;
  /** The QA prompt; its text always ends with the instruction to answer `Verdict: PASS|FAIL`. */
  buildQaPrompt(input: QaPromptInput): Promise<PromptResult>;
  buildDiscoveryPrompt(input: DiscoveryPromptInput): Promise<PromptResult>;
}

/**
 * PromptService: templates are files read when used (no cache, so an edited template takes effect
 * and its new fingerprint is reported at once); nothing is read at construction.
 */
export function createPromptService(deps: PromptServiceDeps = {}): PromptService {
  const templatesDir = deps.templatesDir ?? defaultTemplatesDir();
  const resolvePrompt = async (role: string, vars: PromptVars): Promise<PromptResult> => {
    const template = await loadTemplate(templatesDir, role);
    return { role, text: renderTemplate(template.text, vars, `role ${role}`), version: template.version, path: template.path };
  };
  return {
    templatesDir,
    resolvePrompt,
    listPrompts: () => listTemplates(templatesDir),
    getTemplate: (role) => loadTemplate(templatesDir, role),
    buildPlanningPrompt: (input) => resolvePrompt('planning', planningPromptVars(input)),
    buildDecomposePrompt: (input) => resolvePrompt('decompose', decomposePromptVars(input)),
    buildExecPrompt: (input) => resolvePrompt('exec', execPromptVars(input)),
    buildQaPrompt: (input) => resolvePrompt('qa', qaPromptVars(input)),
    buildDiscoveryPrompt: (input) => resolvePrompt('discovery', discoveryPromptVars(input)),
  };
}
