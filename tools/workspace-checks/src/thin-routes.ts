import ts from 'typescript';

/** One thing a route file must not do, with its 1-based line. */
export interface RouteViolation {
  line: number;
  rule: string;
}

/** Names that reach past the route's declared dependencies: the runtime as a locator, storage, telemetry, event writes. */
const BANNED_NAMES = new Map<string, string>(
  Object.entries({
    runtime: 'uses the runtime (take a declared deps object instead)',
    Runtime: 'uses the Runtime type (take a declared deps object instead)',
    storage: 'touches storage (read through the read models, write through the orchestrator)',
    telemetry: 'touches telemetry (events are written by the orchestrator)',
    recordEvent: 'writes an event (events are written by the orchestrator)',
    appendEvent: 'writes an event (events are written by the orchestrator)',
  }),
);
const BANNED_MODULES = new Map<string, string>(
  Object.entries({
    '@tasksgodzilla/platform-storage': 'imports platform-storage (read through the read models)',
    '@tasksgodzilla/platform-telemetry': 'imports platform-telemetry (events are written by the orchestrator)',
  }),
);

/**
 * What a file under apps/api/src/routes does that belongs to the orchestrator or its read models:
 * a route parses, calls one function and presents. Identifiers are checked on the syntax tree, so
 * comments and strings never count.
 */
export function routeViolations(source: string, fileName = 'route.ts'): RouteViolation[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: RouteViolation[] = [];
  const report = (node: ts.Node, rule: string) =>
    found.push({ line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, rule });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const rule = BANNED_MODULES.get(node.moduleSpecifier.text);
      if (rule) report(node, rule);
    } else if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
      const rule = BANNED_NAMES.get(node.text);
      if (rule) report(node, rule);
    } else if (
      ts.isPropertyAccessExpression(node) &&
      node.name.text === 'append' &&
      /\bevents$/.test(node.expression.getText(file))
    ) {
      report(node, 'writes an event (events are written by the orchestrator)');
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
