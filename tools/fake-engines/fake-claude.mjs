#!/usr/bin/env node
// Fake `claude` CLI for contract tests: plays fixtures/claude-code/<FAKE_ENGINE_FIXTURE>.jsonl (see README.md).
import { main } from './fake-engine-core.mjs';

main({ engine: 'claude-code', name: '', version: '2.0.55 (Claude Code)' });
