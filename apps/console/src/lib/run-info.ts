import type { ProtocolRunOut } from '@tasksgodzilla/client';
import type { JsonObject, JsonValue } from './types.js';

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * "Template: <name> v<version>" from `template_config.template` or `template_source`, or the
 * template folder the run was planned from; null when the run names none.
 */
export function templateLine(run: Pick<ProtocolRunOut, 'template_config' | 'template_source'>): string | null {
  const config = run.template_config ?? {};
  const source = asObject(config['template']) ?? run.template_source ?? undefined;
  if (source) {
    const name = text(source['template']) ?? text(source['name']) ?? text(source['path']) ?? 'custom';
    const version = text(source['version']);
    return `Template: ${name}${version ? ` v${version}` : ''}`;
  }
  const folder = text(config['template_dir']) ?? text(config['template']);
  return folder ? `Template: ${folder}` : null;
}
