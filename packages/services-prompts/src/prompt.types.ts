/** The prompt roles the orchestrator uses, each a template file `<role>.md`. */
export const PROMPT_ROLES = ['planning', 'decompose', 'exec', 'qa', 'discovery'] as const;
export type PromptRole = (typeof PROMPT_ROLES)[number];

/** Values substituted for `{{name}}`; null and undefined count as missing. */
export type PromptVars = Record<string, string | number | boolean | null | undefined>;

/** A rendered prompt. `version` is the fingerprint of the template it came from. */
export interface PromptResult {
  role: string;
  text: string;
  version: string;
  path: string;
  /** `project`: the project's own `.tasksgodzilla/prompts/<role>.md`; `default`: the service's templates folder. */
  source: PromptSource;
}

export type PromptSource = 'project' | 'default';

export interface PromptInfo {
  role: string;
  path: string;
  version: string;
}

export interface PromptTemplate extends PromptInfo {
  text: string;
  /** Variable names the template uses, in order of first appearance. */
  variables: string[];
}
