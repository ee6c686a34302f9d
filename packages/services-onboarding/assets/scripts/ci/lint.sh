#!/usr/bin/env bash
# Runs linters in check mode. Starter script from TasksGodzilla: adapt it.
set -euo pipefail
cd "$(dirname "$0")/../.."

ran=0
if [ -f package.json ]; then npm run --if-present lint; ran=1; fi
if [ -f pyproject.toml ] || [ -f requirements.txt ]; then
  if command -v ruff >/dev/null 2>&1; then ruff check .; ran=1; else echo "lint: ruff not installed; skipping Python lint"; fi
fi
if [ -f go.mod ]; then go vet ./...; ran=1; fi
if [ -f Cargo.toml ]; then cargo fmt --all -- --check; ran=1; fi
if [ "$ran" -eq 0 ]; then echo "lint: no linter configured for this repository"; fi
