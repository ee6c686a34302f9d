#!/usr/bin/env bash
# Runs the test suite. Starter script from TasksGodzilla: adapt it.
set -euo pipefail
cd "$(dirname "$0")/../.."

ran=0
if [ -f package.json ]; then npm run --if-present test; ran=1; fi
if [ -f pyproject.toml ] || [ -f requirements.txt ]; then
  if command -v pytest >/dev/null 2>&1; then pytest; ran=1; else echo "test: pytest not installed; skipping Python tests"; fi
fi
if [ -f go.mod ]; then go test ./...; ran=1; fi
if [ -f Cargo.toml ]; then cargo test; ran=1; fi
if [ "$ran" -eq 0 ]; then echo "test: no test runner configured for this repository"; fi
