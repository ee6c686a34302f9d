#!/usr/bin/env bash
# Runs the production build. Starter script from TasksGodzilla: adapt it.
set -euo pipefail
cd "$(dirname "$0")/../.."

ran=0
if [ -f package.json ]; then npm run --if-present build; ran=1; fi
if [ -f pyproject.toml ]; then
  if python3 -c 'import build' >/dev/null 2>&1; then python3 -m build; ran=1; else echo "build: python 'build' module not installed; skipping Python build"; fi
fi
if [ -f go.mod ]; then go build ./...; ran=1; fi
if [ -f Cargo.toml ]; then cargo build --release; ran=1; fi
if [ "$ran" -eq 0 ]; then echo "build: no build configured for this repository"; fi
