#!/usr/bin/env bash
# Installs the project's dependencies without prompts. Starter script from TasksGodzilla: adapt it.
set -euo pipefail
cd "$(dirname "$0")/../.."

ran=0
if [ -f package.json ]; then
  if [ -f package-lock.json ]; then npm ci; else npm install --no-audit --no-fund; fi
  ran=1
fi
if [ -f pyproject.toml ] || [ -f requirements.txt ]; then
  python3 -m pip install --upgrade pip
  if [ -f requirements.txt ]; then python3 -m pip install -r requirements.txt; fi
  if [ -f pyproject.toml ]; then python3 -m pip install -e .; fi
  ran=1
fi
if [ -f go.mod ]; then go mod download; ran=1; fi
if [ -f Cargo.toml ]; then cargo fetch; ran=1; fi
if [ "$ran" -eq 0 ]; then echo "bootstrap: no known dependency manifest found; nothing to install"; fi
