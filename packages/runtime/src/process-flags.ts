import { parseArgs } from 'node:util';
import { ConfigError, configVariable, type Config, type ConfigVariable } from '@tasksgodzilla/core';
import { integerFlag } from './process-main.js';

// The one command-line parser of the api and the worker. Configuration flags come from the core
// config schema (each setting's `flag`); a process only names which settings it exposes and
// declares the few options of its own that are not configuration.

/** An option of a process that is not a configuration setting (e.g. the worker's `--worker-id`). */
export type ProcessOption =
  | {
      kind: 'string';
      /** Flag name without dashes. */
      flag: string;
      placeholder: string;
      description: string;
      default?: string;
      /** A value that is blank after trimming is a ConfigError. */
      nonEmpty?: boolean;
    }
  | {
      kind: 'int';
      flag: string;
      placeholder: string;
      description: string;
      default?: number;
      min: number;
      max: number;
    };

type OptionValue<O extends ProcessOption> = O extends { kind: 'int' }
  ? O extends { default: number }
    ? number
    : number | undefined
  : O extends { default: string }
    ? string
    : string | undefined;

/** What a process's command line says: help, config overrides (they win over the environment), its own options. */
export type ProcessFlags<O extends Record<string, ProcessOption>> = {
  help: boolean;
  overrides: Partial<Config>;
} & { [K in keyof O]: OptionValue<O[K]> };

export interface ProcessFlagsSpec<O extends Record<string, ProcessOption>> {
  /** The command shown in the usage line. */
  command: string;
  /** Config keys the process exposes as flags, in usage order; each setting must declare a `flag`. */
  settings: readonly (keyof Config)[];
  /** Options of the process that are not configuration, keyed by the name `parse` returns them under. */
  options?: O;
}

export interface ProcessFlagParser<O extends Record<string, ProcessOption>> {
  /** The `--help` text, generated from the schema and the options. */
  usage: string;
  /** Parses argv; an unknown flag, a positional or a bad value is a ConfigError (exit 2). */
  parse(argv: readonly string[]): ProcessFlags<O>;
}

interface ConfigFlagEntry {
  variable: ConfigVariable;
  name: string;
}

function exposedSettings(keys: readonly (keyof Config)[]): ConfigFlagEntry[] {
  return keys.map((key) => {
    const variable = configVariable(key);
    if (variable.flag === undefined) throw new ConfigError(`Setting ${String(key)} has no flag in the config schema`);
    return { variable, name: variable.flag.name };
  });
}

function usageLines(settings: ConfigFlagEntry[], options: readonly ProcessOption[]): [string, string][] {
  const lines: [string, string][] = [];
  for (const { variable, name } of settings) {
    const source = `(${variable.env}${variable.default === undefined ? '' : `, default ${variable.default}`})`;
    if (variable.kind === 'bool') {
      lines.push([`--${name}`, `${variable.description} ${source}`]);
      lines.push([`--no-${name}`, `do not, even if the environment says so`]);
    } else {
      const values = variable.values === undefined ? '' : ` One of ${variable.values.join('|')}.`;
      lines.push([
        `--${name} <${variable.flag?.placeholder ?? 'value'}>`,
        `${variable.description}${values} ${source}`,
      ]);
    }
  }
  for (const option of options) {
    const shown = option.default === undefined ? '' : ` (default ${option.default})`;
    lines.push([`--${option.flag} <${option.placeholder}>`, `${option.description}${shown}`]);
  }
  lines.push(['-h, --help', 'show this help']);
  return lines;
}

function settingValue(variable: ConfigVariable, name: string, text: string): unknown {
  switch (variable.kind) {
    case 'int':
      return integerFlag(name, text, variable.min ?? 0, variable.flag?.max ?? Number.MAX_SAFE_INTEGER);
    case 'enum':
      if (!variable.values?.includes(text))
        throw new ConfigError(`--${name} must be one of ${variable.values?.join(', ')}`);
      return text;
    case 'string':
      return text;
    default: {
      const parsed = variable.schema.safeParse(text);
      if (!parsed.success) throw new ConfigError(`--${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return parsed.data;
    }
  }
}

function optionValue(option: ProcessOption, text: string | undefined): unknown {
  if (option.kind === 'int') return integerFlag(option.flag, text, option.min, option.max) ?? option.default;
  if (option.nonEmpty && text !== undefined && text.trim() === '')
    throw new ConfigError(`--${option.flag} must not be empty`);
  return text ?? option.default;
}

/**
 * A process's flag parser: the given config settings (flag, bounds, usage line from the core schema)
 * plus the process's own options. Two flags with one name are a programming error, thrown here.
 */
export function defineProcessFlags<const O extends Record<string, ProcessOption> = Record<never, ProcessOption>>(
  spec: ProcessFlagsSpec<O>,
): ProcessFlagParser<O> {
  const settings = exposedSettings(spec.settings);
  const options = Object.entries(spec.options ?? {}) as [string, ProcessOption][];
  const parseOptions: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  const declare = (name: string, type: 'string' | 'boolean') => {
    if (parseOptions[name] !== undefined) throw new ConfigError(`Flag --${name} is declared twice`);
    parseOptions[name] = { type };
  };
  for (const { variable, name } of settings) {
    declare(name, variable.kind === 'bool' ? 'boolean' : 'string');
    if (variable.kind === 'bool') declare(`no-${name}`, 'boolean');
  }
  for (const [, option] of options) declare(option.flag, 'string');

  const lines = usageLines(
    settings,
    options.map(([, option]) => option),
  );
  const width = Math.max(...lines.map(([left]) => left.length)) + 2;
  const usage = [
    `Usage: ${spec.command} [options]`,
    '',
    'Options (a configuration flag wins over its environment variable):',
    ...lines.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    '',
  ].join('\n');

  return {
    usage,
    parse(argv) {
      let values: Record<string, string | boolean | undefined>;
      try {
        values = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: parseOptions }).values;
      } catch (error) {
        throw new ConfigError(`${(error as Error).message}\n\n${usage}`);
      }
      const overrides: Record<string, unknown> = {};
      for (const { variable, name } of settings) {
        if (variable.kind === 'bool') {
          if (values[name] === true) overrides[variable.key] = true;
          if (values[`no-${name}`] === true) overrides[variable.key] = false;
          continue;
        }
        const text = values[name];
        if (typeof text === 'string') overrides[variable.key] = settingValue(variable, name, text);
      }
      const own: Record<string, unknown> = {};
      for (const [key, option] of options) {
        const text = values[option.flag];
        own[key] = optionValue(option, typeof text === 'string' ? text : undefined);
      }
      return { help: values.help === true, overrides: overrides as Partial<Config>, ...own } as ProcessFlags<O>;
    },
  };
}
