import {
  createCliEngine,
  type CliEngineOptions,
  type CliInvocation,
  type CliInvocationInput,
  type EngineStreamParser,
} from '../cli-engine.js';
import type { Engine, EngineCapabilities } from '../engine.types.js';

/**
 * A built-in adapter: what it is and how it builds a command line and reads the stream, given the
 * caller's options. createAdapterEngine() adds the options' binary and default model.
 */
export interface CliAdapter<Options extends CliEngineOptions> {
  id: string;
  displayName: string;
  /** Executable run when the options name none. */
  defaultBinary: string;
  capabilities: EngineCapabilities;
  buildInvocation(input: CliInvocationInput, options: Options): CliInvocation;
  createParser(options: Options): EngineStreamParser;
}

/** The Engine of a built-in adapter, configured by the caller's options. */
export function createAdapterEngine<Options extends CliEngineOptions>(
  adapter: CliAdapter<Options>,
  options: Options,
): Engine {
  const { defaultBinary, buildInvocation, createParser, ...identity } = adapter;
  return createCliEngine(
    {
      ...identity,
      defaultModel: options.defaultModel ?? null,
      binary: options.binary ?? defaultBinary,
      buildInvocation: (input) => buildInvocation(input, options),
      createParser: () => createParser(options),
    },
    options,
  );
}
