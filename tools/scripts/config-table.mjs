#!/usr/bin/env node
// Prints the README's configuration table from the built core config schema (run `npm run build` first).
import { configReadmeTable } from '@tasksgodzilla/core';

console.log(configReadmeTable());
