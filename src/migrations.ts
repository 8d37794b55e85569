/**
 * What add-entity reads of a service's Alembic migrations (migrations/versions/*.py): each
 * script's `revision` and `down_revision`, the one head a new revision follows, and the
 * tables the scripts create. Read as text, the way Alembic's own script template writes them;
 * nothing is imported or run.
 */
import type { EditResult } from './edits.js';

interface Revision {
  file: string;
  revision: string;
  /** The revisions it follows: none for the first, two or more for a merge. */
  downRevisions: string[];
}

/** `revision: str = "0001"` or `revision = '3b2f...'`, at the start of a line. */
const assignment = (name: string): RegExp => new RegExp(`^${name}(?:\\s*:[^=\\n]*)?\\s*=\\s*(.+)$`, 'm');
const QUOTED = /(['"])([^'"\n]+)\1/g;

/** A script's revision and the ones it follows, or undefined when it declares no revision. */
export function parseRevision(file: string, text: string): Revision | undefined {
  const revision = assignment('revision').exec(text)?.[1];
  const id = revision === undefined ? undefined : [...revision.matchAll(QUOTED)][0]?.[2];
  if (id === undefined) return undefined;
  const down = assignment('down_revision').exec(text)?.[1] ?? 'None';
  return { file, revision: id, downRevisions: [...down.matchAll(QUOTED)].map((match) => match[2]!) };
}

/** The head a new revision follows, and the highest number among the ids (`0001` is 1). */
export interface MigrationHead {
  revision: string;
  number: number;
}

/**
 * The single head of a service's revisions (scripts by file name), or a conflict: several
 * heads (branches not merged), a revision declared twice, a script that follows an unknown
 * revision. With no scripts at all there is no head: the new revision is the first.
 */
export function migrationHead(scripts: ReadonlyMap<string, string>): { ok: true; head: MigrationHead | undefined } | Extract<EditResult, { ok: false }> {
  const revisions = [...scripts].flatMap(([file, text]) => parseRevision(file, text) ?? []);
  if (revisions.length === 0) return { ok: true, head: undefined };
  const byId = new Map<string, Revision>();
  for (const revision of revisions) {
    const twice = byId.get(revision.revision);
    if (twice) return { ok: false, reason: `revision ${revision.revision} is declared by both ${twice.file} and ${revision.file}` };
    byId.set(revision.revision, revision);
  }
  const followed = new Set(revisions.flatMap((revision) => revision.downRevisions));
  for (const revision of revisions) {
    const unknown = revision.downRevisions.find((id) => !byId.has(id));
    if (unknown) return { ok: false, reason: `${revision.file} follows revision ${unknown}, which no script declares` };
  }
  const heads = revisions.filter((revision) => !followed.has(revision.revision));
  if (heads.length !== 1) {
    const listed = heads.map((head) => `${head.revision} (${head.file})`).join(', ');
    return {
      ok: false,
      reason: heads.length === 0 ? 'its revisions form a cycle: none is a head' : `it has ${heads.length} heads, ${listed}: merge them first (alembic merge heads)`,
    };
  }
  const numbers = revisions.map((revision) => (/^\d+$/.test(revision.revision) ? Number(revision.revision) : 0));
  return { ok: true, head: { revision: heads[0]!.revision, number: Math.max(...numbers) } };
}

/** Tables a script creates (`op.create_table("users", ...)`). */
export const createdTables = (text: string): string[] =>
  [...text.matchAll(/\bcreate_table\(\s*(['"])([^'"\n]+)\1/g)].map((match) => match[2]!);

/** Tables a model module maps (`__tablename__ = "users"`). */
export const mappedTables = (text: string): string[] =>
  [...text.matchAll(/^\s*__tablename__\s*(?::[^=\n]*)?=\s*(['"])([^'"\n]+)\1/gm)].map((match) => match[2]!);
