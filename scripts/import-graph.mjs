#!/usr/bin/env node
/**
 * The import graph of src/: how many modules, how many imports between them, and the longest
 * chain of imports (module A imports B imports C ...). A measure of how tangled the source is;
 * run it before and after a restructuring and compare.
 *
 *   node scripts/import-graph.mjs [dir]    (default: src)
 *
 * Counts static imports and re-exports (`import ... from`, `export ... from`), type-only ones
 * included, and dynamic `import('./x.js')`; only imports of other files of the directory, not
 * packages. Each edge is one (importer, imported) pair, however many names it brings.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? 'src');

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'"`;]*?\sfrom\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** `./x.js` from `dir/a.ts` -> `dir/x.ts`, or undefined for a package or a missing file. */
function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
}

const files = sourceFiles(root).sort();
const rel = (file) => path.relative(root, file);
/** file -> Map(imported file -> the kinds of its imports: 'static', 'type', 'dynamic'). */
const graph = new Map(files.map((file) => [file, new Map()]));
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  for (const match of text.matchAll(IMPORT)) {
    const [, , typeOnly, fromSpecifier, bareSpecifier, dynamicSpecifier] = match;
    const specifier = fromSpecifier ?? bareSpecifier ?? dynamicSpecifier;
    const target = resolveImport(file, specifier);
    if (!target || !graph.has(target)) continue;
    const kind = dynamicSpecifier ? 'dynamic' : typeOnly ? 'type' : 'static';
    const edges = graph.get(file);
    if (!edges.has(target)) edges.set(target, new Set());
    edges.get(target).add(kind);
  }
}

/** An edge counts as a value import if any import of the pair is one, else dynamic, else type-only. */
const edgeKind = (kinds) => (kinds.has('static') ? 'static' : kinds.has('dynamic') ? 'dynamic' : 'type');
const edges = [...graph.values()].flatMap((targets) => [...targets.values()].map(edgeKind));
const count = (kind) => edges.filter((edge) => edge === kind).length;

/**
 * The longest simple path of imports, by depth-first search from every module; an import that
 * closes a cycle is reported, not followed. `follow` picks the kinds of edges that count.
 */
function longestPath(follow) {
  const longest = new Map();
  const onStack = new Set();
  const cycles = [];
  const from = (file) => {
    if (longest.has(file)) return longest.get(file);
    onStack.add(file);
    let best = [file];
    for (const [target, kinds] of graph.get(file)) {
      if (!follow.some((kind) => kinds.has(kind))) continue;
      if (onStack.has(target)) {
        cycles.push(`${rel(file)} -> ${rel(target)}`);
        continue;
      }
      const rest = from(target);
      if (rest.length + 1 > best.length) best = [file, ...rest];
    }
    onStack.delete(file);
    longest.set(file, best);
    return best;
  };
  const chain = files.map(from).reduce((a, b) => (b.length > a.length ? b : a), []);
  return { chain, cycles };
}
const all = longestPath(['static', 'type', 'dynamic']);
const runtime = longestPath(['static', 'dynamic']);
const shownPath = ({ chain }) => `${chain.length - 1} imports: ${chain.map(rel).join(' -> ')}`;

const fanIn = new Map(files.map((file) => [file, 0]));
for (const targets of graph.values()) for (const target of targets.keys()) fanIn.set(target, fanIn.get(target) + 1);
const top = (map, n) =>
  [...map]
    .sort((a, b) => b[1] - a[1] || rel(a[0]).localeCompare(rel(b[0])))
    .slice(0, n)
    .map(([file, value]) => `${rel(file)} (${value})`)
    .join(', ');

console.log(`files:            ${files.length}`);
console.log(`import edges:     ${edges.length} (${count('static')} value, ${count('type')} type-only, ${count('dynamic')} dynamic)`);
console.log(`longest path:     ${shownPath(all)}`);
console.log(`  without types:  ${shownPath(runtime)}`);
console.log(`cycles:           ${all.cycles.length === 0 ? 'none' : all.cycles.join('; ')}`);
console.log(`most imported:    ${top(fanIn, 5)}`);
console.log(`most importing:   ${top(new Map([...graph].map(([file, targets]) => [file, targets.size])), 5)}`);
