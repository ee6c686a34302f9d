#!/usr/bin/env node
// Fake `opencode` CLI for contract tests: plays fixtures/opencode/<FAKE_ENGINE_FIXTURE>.jsonl (see README.md).
import { main } from './fake-engine-core.mjs';

main({ engine: 'opencode', name: 'opencode', version: '1.0.119' });
