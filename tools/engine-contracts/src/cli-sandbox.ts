import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createClaudeCodeEngine,
  createCodexEngine,
  createOpencodeEngine,
  type Engine,
} from '@tasksgodzilla/platform-engines';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import type { InstalledCli } from './cli-install.js';
import { STAND_IN_MODEL } from './model-server.js';

/** The provider name the CLIs' configs give the stand-in model server. */
export const STAND_IN_PROVIDER = 'standin';
const STAND_IN_KEY_ENV = 'STANDIN_API_KEY';

/** One real CLI wired to the stand-in model server, with its own home and config folders. */
export interface CliSandbox {
  engine: Engine;
  /** The request `env` of every run: temp HOME/XDG folders, the server's address, a dummy key, no telemetry or updates. */
  env: Record<string, string>;
  /** Temp folder holding the CLI's home and config (removed by `remove`). */
  home: string;
  remove(): void;
}

export interface CliSandboxOptions {
  /** killGraceMs etc. for the adapter. */
  killGraceMs?: number;
  /** opencode: provider errors in a row before the run is failed (adapter default 5). */
  maxProviderErrors?: number;
}

function homeEnv(dir: TempDir): Record<string, string> {
  const env: Record<string, string> = { HOME: join(dir.path, 'home') };
  for (const [name, folder] of [
    ['XDG_CONFIG_HOME', 'config'],
    ['XDG_DATA_HOME', 'data'],
    ['XDG_CACHE_HOME', 'cache'],
    ['XDG_STATE_HOME', 'state'],
  ] as const) {
    env[name] = join(dir.path, folder);
  }
  for (const path of Object.values(env)) mkdirSync(path, { recursive: true });
  return env;
}

/** Codex: a custom model provider in a temp `CODEX_HOME/config.toml` (Responses API over SSE, no retries). */
function codexSandbox(cli: InstalledCli, baseUrl: string, dir: TempDir, options: CliSandboxOptions): CliSandbox {
  const codexHome = join(dir.path, 'codex-home');
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      `model = "${STAND_IN_MODEL}"`,
      `model_provider = "${STAND_IN_PROVIDER}"`,
      'check_for_update_on_startup = false',
      '',
      '[analytics]',
      'enabled = false',
      '',
      `[model_providers.${STAND_IN_PROVIDER}]`,
      'name = "stand-in model server"',
      `base_url = "${baseUrl}/v1"`,
      `env_key = "${STAND_IN_KEY_ENV}"`,
      'wire_api = "responses"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'),
  );
  return {
    engine: createCodexEngine({ binary: cli.binary, killGraceMs: options.killGraceMs }),
    env: { ...homeEnv(dir), CODEX_HOME: codexHome, [STAND_IN_KEY_ENV]: 'contract-dummy-key' },
    home: dir.path,
    remove: () => dir.remove(),
  };
}

/** Claude Code: ANTHROPIC_BASE_URL at the server, a dummy ANTHROPIC_API_KEY, no nonessential traffic. */
function claudeSandbox(cli: InstalledCli, baseUrl: string, dir: TempDir, options: CliSandboxOptions): CliSandbox {
  return {
    engine: createClaudeCodeEngine({ binary: cli.binary, killGraceMs: options.killGraceMs }),
    env: {
      ...homeEnv(dir),
      CLAUDE_CONFIG_DIR: join(dir.path, 'claude-config'),
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_API_KEY: 'contract-dummy-key',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    },
    home: dir.path,
    remove: () => dir.remove(),
  };
}

/** opencode: an OpenAI-compatible provider in a config file named by OPENCODE_CONFIG; no updates, model list fetch or plugins. */
function opencodeSandbox(cli: InstalledCli, baseUrl: string, dir: TempDir, options: CliSandboxOptions): CliSandbox {
  const configPath = join(dir.path, 'opencode.json');
  const model = `${STAND_IN_PROVIDER}/${STAND_IN_MODEL}`;
  writeFileSync(
    configPath,
    JSON.stringify(
      {
        autoupdate: false,
        share: 'disabled',
        model,
        small_model: model,
        provider: {
          [STAND_IN_PROVIDER]: {
            npm: '@ai-sdk/openai-compatible',
            name: 'stand-in model server',
            options: { baseURL: `${baseUrl}/v1`, apiKey: 'contract-dummy-key' },
            models: { [STAND_IN_MODEL]: { name: STAND_IN_MODEL, tool_call: true } },
          },
        },
      },
      null,
      2,
    ),
  );
  return {
    engine: createOpencodeEngine({
      binary: cli.binary,
      killGraceMs: options.killGraceMs,
      maxProviderErrors: options.maxProviderErrors,
    }),
    env: {
      ...homeEnv(dir),
      OPENCODE_CONFIG: configPath,
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    },
    home: dir.path,
    remove: () => dir.remove(),
  };
}

/** Sets up `cli` against the model server at `baseUrl` (e.g. `http://127.0.0.1:4010`). */
export function createCliSandbox(cli: InstalledCli, baseUrl: string, options: CliSandboxOptions = {}): CliSandbox {
  const dir = createTempDir(`tgz-contract-${cli.engineId}-`);
  switch (cli.engineId) {
    case 'codex':
      return codexSandbox(cli, baseUrl, dir, options);
    case 'claude-code':
      return claudeSandbox(cli, baseUrl, dir, options);
    case 'opencode':
      return opencodeSandbox(cli, baseUrl, dir, options);
  }
}
