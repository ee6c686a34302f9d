#!/usr/bin/env bash
# Runs static type checks. Starter script from TasksGodzilla: adapt it.
set -euo pipefail
cd "$(dirname "$0")/../.."

ran=0
if [ -f package.json ]; then
  if grep -q '"typecheck"' package.json; then npm run typecheck; ran=1
  elif [ -f tsconfig.json ]; then npx --no-install tsc --noEmit; ran=1
  fi
fi
if [ -f pyproject.toml ] || [ -f requirements.txt ]; then
  if command -v mypy >/dev/null 2>&1; then mypy .; ran=1; else echo "typecheck: mypy not installed; skipping Python type checks"; fi
fi
if [ -f go.mod ]; then go build ./... >/dev/null; ran=1; fi
if [ -f Cargo.toml ]; then cargo check --all-targets; ran=1; fi
if [ "$ran" -eq 0 ]; then echo "typecheck: no type checker configured for this repository"; fi
