/**
 * Line edits of a service's Python (and pyproject) files that list its entities, for
 * add-entity: the models' `__init__`, the routes' registry, the layer contracts. Each edit is
 * anchored on a line the generator wrote, inserts what is missing and nothing else, and is
 * idempotent; where its anchor is gone (the user rewrote that part) it is a conflict, never a
 * guess. Inserted imports go where ruff's isort puts them, so `make lint` stays green.
 */
import type { EditResult } from './edits.js';

const ok = (text: string): EditResult => ({ ok: true, text });
const lastIndex = <T>(items: readonly T[], test: (item: T) => boolean): number => {
  for (let index = items.length - 1; index >= 0; index--) if (test(items[index]!)) return index;
  return -1;
};
const conflict = (reason: string): EditResult => ({ ok: false, reason });

/** The formatter's line length in generated services (pyproject.toml, [tool.ruff]). */
const LINE_LENGTH = 100;

/**
 * Natural order as ruff's isort compares module names (the `natord` crate): runs of digits
 * compare as numbers (`item2` before `item10`), other characters by code.
 */
export function naturalCompare(a: string, b: string): number {
  const isDigit = (char: string | undefined) => char !== undefined && char >= '0' && char <= '9';
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (isDigit(a[i]) && isDigit(b[j])) {
      let endA = i;
      let endB = j;
      while (isDigit(a[endA])) endA++;
      while (isDigit(b[endB])) endB++;
      const runA = a.slice(i, endA);
      const runB = b.slice(j, endB);
      // A run with a leading zero compares as a fraction, digit by digit; others by length first.
      const fractional = runA.startsWith('0') || runB.startsWith('0');
      if (!fractional && runA.length !== runB.length) return runA.length - runB.length;
      for (let k = 0; k < Math.min(runA.length, runB.length); k++) {
        if (runA[k] !== runB[k]) return runA.charCodeAt(k) - runB.charCodeAt(k);
      }
      if (runA.length !== runB.length) return runA.length - runB.length;
      i = endA;
      j = endB;
      continue;
    }
    if (a[i] !== b[j]) return a.charCodeAt(i) - b.charCodeAt(j);
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

interface ImportStatement {
  /** First and last line (inclusive) of the statement, comments right above it included. */
  start: number;
  end: number;
  /** The module of `from <module> import ...`, or of `import <module>`. */
  module: string;
  from: boolean;
  /** The names it imports (`router as users_router` counts as `users_router`). */
  names: string[];
}

const IMPORT_LINE = /^(from\s+([\w.]+)\s+import\s+(.*)|import\s+([\w.]+).*)$/;

/** Top-level import statements, a parenthesised one over several lines counting as one. */
function importStatements(lines: string[]): ImportStatement[] {
  const statements: ImportStatement[] = [];
  for (let index = 0; index < lines.length; index++) {
    const match = IMPORT_LINE.exec(lines[index]!);
    if (!match) continue;
    let start = index;
    while (start > 0 && lines[start - 1]!.startsWith('#')) start--;
    let end = index;
    let imported = match[3] ?? '';
    if (imported.includes('(') && !imported.includes(')')) {
      while (end + 1 < lines.length && !lines[end]!.includes(')')) imported += ` ${lines[++end]}`;
    }
    const names = imported
      .replace(/#.*$/gm, '')
      .replace(/[()\\]/g, ' ')
      .split(',')
      .map((item) => item.trim().split(/\s+as\s+/).at(-1)!.trim())
      .filter(Boolean);
    statements.push({ start, end, module: match[2] ?? match[4]!, from: match[2] !== undefined, names });
    index = end;
  }
  return statements;
}

/** ruff's isort key within a section: force-to-top modules, then `import x`, then `from x import`. */
function compareStatements(a: Pick<ImportStatement, 'module' | 'from'>, b: Pick<ImportStatement, 'module' | 'from'>, forceToTop: readonly string[]): number {
  const top = (statement: Pick<ImportStatement, 'module'>) => (forceToTop.includes(statement.module) ? 0 : 1);
  if (top(a) !== top(b)) return top(a) - top(b);
  if (a.from !== b.from) return a.from ? 1 : -1;
  return naturalCompare(a.module.toLowerCase(), b.module.toLowerCase()) || naturalCompare(a.module, b.module);
}

/**
 * Add `from <module> import <name>` beside the imports of the package `besides`
 * (`app.models`), in the place ruff's isort gives it. Nothing changes when the name is
 * already imported from that module; without any import from `besides` there is no place
 * to put it that is sure to be right, and the file is left to its owner.
 */
export function addImport(text: string, line: string, besides: string, forceToTop: readonly string[] = []): EditResult {
  const parsed = IMPORT_LINE.exec(line);
  if (!parsed?.[2]) throw new Error(`not a from-import: ${line}`);
  const added = { module: parsed[2], from: true };
  const name = parsed[3]!.split(/\s+as\s+/).at(-1)!.trim();
  const lines = text.split('\n');
  const statements = importStatements(lines);
  if (statements.some((statement) => statement.module === added.module && statement.names.includes(name))) return ok(text);
  const anchors = statements.filter((statement) => statement.module.startsWith(`${besides}.`));
  if (anchors.length === 0) return conflict(`it no longer imports from ${besides}, where the import of ${name} belongs`);
  // The section of the anchors: the statements next to them, with no blank line between.
  const first = statements.indexOf(anchors[0]!);
  let low = first;
  let high = first;
  while (low > 0 && statements[low - 1]!.end + 1 === statements[low]!.start) low--;
  while (high + 1 < statements.length && statements[high]!.end + 1 === statements[high + 1]!.start) high++;
  const section = statements.slice(low, high + 1);
  const after = section.find((statement) => compareStatements(added, statement, forceToTop) < 0);
  const at = after ? after.start : section.at(-1)!.end + 1;
  lines.splice(at, 0, line);
  return ok(lines.join('\n'));
}

/** Add `line` after the last line matching `anchor` (a statement at column 0), once. */
export function addLineAfterLast(text: string, anchor: RegExp, line: string, anchorName: string): EditResult {
  const lines = text.split('\n');
  if (lines.some((existing) => existing.trimEnd() === line)) return ok(text);
  const last = lastIndex(lines, (existing) => anchor.test(existing));
  if (last < 0) return conflict(`${anchorName} is gone`);
  lines.splice(last + 1, 0, line);
  return ok(lines.join('\n'));
}

/** A line's code without its trailing comment (the files edited here hold no `#` in strings). */
const code = (line: string): string => line.replace(/\s*#.*$/, '');

/**
 * Add `item` to the list that `opener` starts (`__all__ = [`, `route_handlers=[`), once.
 * One item per line, as the templates write it: the item goes on a line of its own before
 * the closing bracket. A list on one line (`[A, B]`) takes it inline while the line stays
 * within the formatter's length; beyond that the file is left to its owner.
 */
export function addListItem(text: string, opener: RegExp, item: string, listName: string): EditResult {
  const lines = text.split('\n');
  const openers = lines.flatMap((line, index) => (opener.test(line) ? [index] : []));
  if (openers.length !== 1) return conflict(openers.length === 0 ? `${listName} is gone` : `${listName} appears ${openers.length} times`);
  const index = openers[0]!;
  const openerLine = lines[index]!;
  const bracket = openerLine.indexOf('[', openerLine.search(opener));
  const rest = code(openerLine.slice(bracket + 1));
  if (rest.includes(']')) {
    // On one line: `NAME = [A, B]`.
    const close = bracket + 1 + rest.indexOf(']');
    const items = openerLine.slice(bracket + 1, close).split(',').map((entry) => entry.trim()).filter(Boolean);
    if (items.includes(item)) return ok(text);
    const inner = openerLine.slice(bracket + 1, close).replace(/,?\s*$/, '');
    const joined = `${openerLine.slice(0, bracket + 1)}${inner}${inner.trim() ? ', ' : ''}${item}${openerLine.slice(close)}`;
    if (joined.length > LINE_LENGTH) return conflict(`${listName} is written on one line, which one more item would make too long: write it one item per line`);
    lines[index] = joined;
    return ok(lines.join('\n'));
  }
  const indent = /^\s*/.exec(openerLine)![0];
  let close = index + 1;
  while (close < lines.length && !(code(lines[close]!).trim().startsWith(']') && /^\s*/.exec(lines[close]!)![0].length <= indent.length)) close++;
  if (close >= lines.length) return conflict(`${listName} has no closing bracket`);
  const entries = lines.slice(index + 1, close);
  if (entries.some((entry) => code(entry).trim().replace(/,$/, '') === item)) return ok(text);
  const lastItem = lastIndex(entries, (entry) => code(entry).trim() !== '');
  let itemIndent = `${indent}    `;
  if (lastItem >= 0) {
    const last = index + 1 + lastItem;
    itemIndent = /^\s*/.exec(lines[last]!)![0];
    // An item without its trailing comma gets one before the new item follows it.
    const body = code(lines[last]!);
    if (!body.trimEnd().endsWith(',')) lines[last] = `${body.trimEnd()},${lines[last]!.slice(body.length)}`;
  }
  lines.splice(close, 0, `${itemIndent}${item},`);
  return ok(lines.join('\n'));
}

/** Apply edits in order; the first conflict stops them. */
export function chainEdits(text: string, edits: Array<(text: string) => EditResult>): EditResult {
  let result: EditResult = ok(text);
  for (const edit of edits) {
    if (!result.ok) break;
    result = edit(result.text);
  }
  return result;
}
