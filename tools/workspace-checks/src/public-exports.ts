import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** One name a package's `src/index.ts` exports; `typeOnly` when it has no runtime value. */
export interface PublicExport {
  name: string;
  typeOnly: boolean;
}

/** An export of `pkg` that no other project imports and its README does not document. */
export interface UnusedExport extends PublicExport {
  pkg: string;
}

/** Names a file imports from one module; `'*'` when it takes the whole module (`export *`, a namespace passed on). */
export interface ModuleUse {
  module: string;
  names: string[] | '*';
}

const SCOPE = '@tasksgodzilla/';
const GROUPS = ['packages', 'apps', 'tools'];
const SOURCE_EXTENSIONS = /\.(ts|tsx|mts|cts|mjs|cjs)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.nx', 'coverage', 'test-artifacts']);
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;
/** A markdown code span: a run of backticks closed by a run of the same length. */
const CODE_SPAN = /(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g;

/** `@tasksgodzilla/core/sub` → `@tasksgodzilla/core`; undefined for a module outside the scope. */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (!specifier.startsWith(SCOPE)) return undefined;
  return specifier.split('/').slice(0, 2).join('/');
}

const literalArgument = (call: ts.CallExpression): string | undefined => {
  const [first] = call.arguments;
  return first && ts.isStringLiteralLike(first) ? first.text : undefined;
};

/** The names taken from a dynamic `import()`/`require()` call: destructured or one property read, else all. */
function namesOfCallResult(call: ts.CallExpression): string[] | '*' {
  let node: ts.Node = call;
  if (ts.isAwaitExpression(node.parent)) node = node.parent;
  if (ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) return [parent.name.text];
  if (ts.isVariableDeclaration(parent) && ts.isObjectBindingPattern(parent.name)) {
    const elements = parent.name.elements;
    return elements.some((el) => el.dotDotDotToken)
      ? '*'
      : elements.map((el) => (el.propertyName ?? el.name).getText());
  }
  return '*';
}

/** The members read from a namespace import (`ns.name`, `ns.Type`); all of them when `ns` is used any other way. */
function namespaceMembers(file: ts.SourceFile, namespace: ts.Identifier): string[] | '*' {
  const names: string[] = [];
  let whole = false;
  const visit = (node: ts.Node): void => {
    if (whole) return;
    if (ts.isIdentifier(node) && node !== namespace && node.text === namespace.text) {
      const parent = node.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node) names.push(parent.name.text);
      else if (ts.isQualifiedName(parent) && parent.left === node) names.push(parent.right.text);
      else if (!(ts.isPropertyAccessExpression(parent) && parent.name === node)) whole = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return whole ? '*' : names;
}

function namesOfImportClause(file: ts.SourceFile, clause: ts.ImportClause | undefined): string[] | '*' {
  if (!clause) return [];
  const names = clause.name ? ['default'] : [];
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    const members = namespaceMembers(file, bindings.name);
    return members === '*' ? '*' : [...names, ...members];
  }
  for (const element of bindings?.elements ?? []) names.push((element.propertyName ?? element.name).text);
  return names;
}

/**
 * Every module a source file imports or re-exports, with the names it takes: static imports and
 * re-exports, `import type`, `import('m').Name` types, and `import()`/`require()` calls.
 */
export function moduleUses(source: string, fileName = 'file.ts'): ModuleUse[] {
  const kind = fileName.endsWith('.tsx')
    ? ts.ScriptKind.TSX
    : fileName.endsWith('ts')
      ? ts.ScriptKind.TS
      : ts.ScriptKind.JS;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  const uses: ModuleUse[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      uses.push({ module: node.moduleSpecifier.text, names: namesOfImportClause(file, node.importClause) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const names =
        clause && ts.isNamedExports(clause) ? clause.elements.map((s) => (s.propertyName ?? s.name).getText()) : '*';
      uses.push({ module: node.moduleSpecifier.text, names });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      const qualifier = node.qualifier;
      const first = qualifier && (ts.isIdentifier(qualifier) ? qualifier : leftmost(qualifier));
      uses.push({ module: node.argument.literal.text, names: first ? [first.text] : '*' });
    } else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const module = literalArgument(node);
      if ((isImport || isRequire) && module !== undefined) uses.push({ module, names: namesOfCallResult(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return uses;
}

const leftmost = (name: ts.QualifiedName): ts.Identifier =>
  ts.isIdentifier(name.left) ? name.left : leftmost(name.left);

/**
 * Names a package README documents for users: every identifier in a ```ts code block, and every
 * identifier in inline code of its `## API` / `## Public API` section (tables and lists, with subsections)
 * and of any table whose first column is `export`.
 */
export function documentedNames(markdown: string): Set<string> {
  const names = new Set<string>();
  const add = (text: string) => {
    for (const match of text.matchAll(IDENTIFIER)) names.add(match[0]);
  };
  let fence: string | undefined;
  let inApi = false;
  let inExportTable = false;
  const chunks: string[][] = [[]];
  for (const line of markdown.split('\n')) {
    const fenceMatch = /^\s*(```+)\s*(\w*)/.exec(line);
    if (fenceMatch) {
      fence = fence === undefined ? (fenceMatch[2] ?? '') : undefined;
      continue;
    }
    if (fence !== undefined) {
      if (['ts', 'typescript', 'tsx'].includes(fence)) add(line);
      continue;
    }
    const heading = /^(#{1,2}) (.*)$/.exec(line);
    if (heading) inApi = /^(public )?api$/i.test(heading[2]?.trim() ?? '');
    if (/^\|\s*exports?\s*\|/i.test(line)) inExportTable = true;
    else if (!line.startsWith('|')) inExportTable = false;
    if (inApi || inExportTable) chunks.at(-1)?.push(line);
    else if (chunks.at(-1)?.length) chunks.push([]);
  }
  // Inline code may run over a line break, so spans are read from each stretch of text as a whole.
  for (const chunk of chunks) for (const span of chunk.join('\n').matchAll(CODE_SPAN)) add(span[2] ?? '');
  return names;
}

function compilerOptions(root: string): ts.CompilerOptions {
  const base = join(root, 'tsconfig.base.json');
  const fallback: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    customConditions: ['@tasksgodzilla/source'],
  };
  const options = existsSync(base)
    ? ts.parseJsonConfigFileContent(ts.readConfigFile(base, ts.sys.readFile).config, ts.sys, root).options
    : fallback;
  return { ...options, noEmit: true, types: [], skipLibCheck: true };
}

const isTypeOnlySpecifier = (declaration: ts.Declaration): boolean =>
  ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly);

/**
 * The names each `src/index.ts` exports, `export *` and re-exports of other packages resolved by the
 * TypeScript compiler (one program for all of them), keyed by index file path.
 */
export function exportedNames(root: string, indexFiles: readonly string[]): Map<string, PublicExport[]> {
  const program = ts.createProgram({ rootNames: [...indexFiles], options: compilerOptions(root) });
  const checker = program.getTypeChecker();
  const result = new Map<string, PublicExport[]>();
  for (const path of indexFiles) {
    const file = program.getSourceFile(path);
    const module = file && checker.getSymbolAtLocation(file);
    const symbols = module ? checker.getExportsOfModule(module) : [];
    result.set(
      path,
      symbols
        .map((symbol) => {
          const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
          const typeOnly =
            (symbol.declarations ?? []).some(isTypeOnlySpecifier) || !(target.flags & ts.SymbolFlags.Value);
          return { name: symbol.name, typeOnly };
        })
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  }
  return result;
}

/** Every source file under `dir` (tests, e2e and scripts included; builds and dependencies not). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : sourceFiles(join(dir, entry.name));
    return SOURCE_EXTENSIONS.test(entry.name) && !entry.name.endsWith('.d.ts') ? [join(dir, entry.name)] : [];
  });
}

interface Project {
  folder: string;
  name: string;
}

function projects(root: string): Project[] {
  return GROUPS.filter((group) => existsSync(join(root, group))).flatMap((group) =>
    readdirSync(join(root, group))
      .sort()
      .map((folder) => join(root, group, folder))
      .filter((folder) => existsSync(join(folder, 'package.json')))
      .map((folder) => ({
        folder,
        name: (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Project).name,
      })),
  );
}

/** Per package name, the names other projects import from it (`'*'` in the set: all of them). */
export function importedNamesByPackage(root: string, projectList: readonly Project[]): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  for (const project of projectList) {
    for (const path of sourceFiles(project.folder)) {
      for (const use of moduleUses(readFileSync(path, 'utf8'), path)) {
        const pkg = packageOfSpecifier(use.module);
        if (!pkg || pkg === project.name) continue;
        const names = used.get(pkg) ?? new Set<string>();
        for (const name of use.names === '*' ? ['*'] : use.names) names.add(name);
        used.set(pkg, names);
      }
    }
  }
  return used;
}

/**
 * The exports of each workspace package (`packages/*`) that no other project of the workspace
 * (`packages/*`, `apps/*`, `tools/*`, tests and e2e included) imports and the package README does not
 * document, sorted by package then name.
 */
export function unusedPublicExports(root: string): UnusedExport[] {
  const all = projects(root);
  const packages = all.filter(
    (p) => p.folder.startsWith(join(root, 'packages')) && existsSync(join(p.folder, 'src', 'index.ts')),
  );
  const exported = exportedNames(
    root,
    packages.map((p) => join(p.folder, 'src', 'index.ts')),
  );
  const imported = importedNamesByPackage(root, all);
  return packages.flatMap((pkg) => {
    const used = imported.get(pkg.name) ?? new Set<string>();
    if (used.has('*')) return [];
    const readme = join(pkg.folder, 'README.md');
    const documented = existsSync(readme) ? documentedNames(readFileSync(readme, 'utf8')) : new Set<string>();
    return (exported.get(join(pkg.folder, 'src', 'index.ts')) ?? [])
      .filter((e) => !used.has(e.name) && !documented.has(e.name))
      .map((e) => ({ pkg: pkg.name, ...e }));
  });
}

/** The check's report: `<package>: <name>` per unused export, values first, then types. */
export function formatUnusedExports(unused: readonly UnusedExport[]): string[] {
  const line = (u: UnusedExport) => `${u.pkg}: ${u.name}`;
  return [
    ...unused.filter((u) => !u.typeOnly).map(line),
    ...unused.filter((u) => u.typeOnly).map((u) => `${line(u)} (type)`),
  ];
}
