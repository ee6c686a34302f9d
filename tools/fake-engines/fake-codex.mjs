#!/usr/bin/env node
// Fake `codex` CLI for contract tests: plays fixtures/codex/<FAKE_ENGINE_FIXTURE>.jsonl (see README.md).
import { main } from './fake-engine-core.mjs';

main({ engine: 'codex', name: 'codex-cli', version: '0.63.0' });
