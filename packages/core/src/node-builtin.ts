/**
 * A Node.js built-in module by its `node:` name, loaded when asked for (not imported: the apps' bundles run
 * every import at start); undefined outside Node.js (a browser has no `process`). Core is also compiled
 * for the browser (the console), without Node's types, so the caller names the shape it uses.
 */
export function nodeBuiltin<T>(id: string): T | undefined {
  const host = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  return host?.getBuiltinModule?.(id) as T | undefined;
}
