import type { ProjectCreate, ProtocolRunCreate } from '@tasksgodzilla/client';

/** Parses the default-models field: empty → null; anything but a JSON object is an error (not a silent null). */
export function parseDefaultModels(text: string): { value: ProjectCreate['default_models']; error?: string } {
  if (!text.trim()) return { value: null };
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { value: null, error: 'Default models must be a JSON object, e.g. {"exec": "gpt-5.1"}.' };
    return { value: value as ProjectCreate['default_models'] };
  } catch (error) {
    return {
      value: null,
      error: `Default models is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

export interface ProtocolFormValues {
  name: string;
  baseBranch: string;
  description: string;
  template: string;
  autoAdvance: boolean;
}

/**
 * The body of POST /projects/{id}/protocols. The run is created `pending` (the api's default) so
 * that the start action that follows is accepted — the original sent `planning` and got a 409.
 */
export function protocolCreateBody(values: ProtocolFormValues): ProtocolRunCreate {
  return {
    protocol_name: values.name.trim(),
    base_branch: values.baseBranch.trim() || 'main',
    description: values.description.trim() || null,
    template: values.template.trim() || null,
    auto_advance: values.autoAdvance,
  };
}
