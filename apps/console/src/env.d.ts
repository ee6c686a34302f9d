// Workspace packages are type-checked from their sources; core's loadConfig defaults its argument
// to `process.env`. The console never calls it, but its signature needs the name to exist.
declare const process: { env: Record<string, string | undefined> };
