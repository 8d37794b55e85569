/**
 * Machine-local env files (`.env`: git-ignored, often holding secrets) on `update`. They are
 * never merged like the other files: their values are each machine's own. What a newer
 * version adds to them is a new key (a setting, a peer, a secret of a new container): it is
 * appended with the value a new project would get, and nothing else in the file changes.
 */
import { appendEnvLines } from './edits.js';

/** The `KEY=value` lines of a dotenv text, by key (comments and blank lines left out). */
export function envEntries(text: string): Map<string, { line: string; value: string }> {
  const entries = new Map<string, { line: string; value: string }>();
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (match) entries.set(match[1]!, { line, value: match[2]!.trim() });
  }
  return entries;
}

export interface EnvSync {
  /** The file with the new keys appended (the same text when none is missing). */
  text: string;
  /** The keys appended. */
  added: string[];
  /** The lines of a new project (`KEY=value`) whose key is empty in the file: said, never filled (the user may mean it). */
  emptyHere: string[];
}

/**
 * Bring a machine's env file in step with the generator's render of it (`source`): the keys
 * new since the previous render (`previousKeys`: the keys its example had then; everything
 * when unknown) that the file lacks are appended. A key the user deleted that is not new stays
 * deleted; every value already in the file is left as it is.
 */
export function syncEnvFile(ours: string, source: string, previousKeys?: ReadonlySet<string>): EnvSync {
  const mine = envEntries(ours);
  const wanted = [...envEntries(source)];
  const added = wanted.filter(([key]) => !mine.has(key) && !previousKeys?.has(key));
  const emptyHere = wanted.filter(([key, { value }]) => mine.get(key)?.value === '' && value !== '').map(([, { line }]) => line);
  return {
    text: appendEnvLines(
      ours,
      added.map(([, { line }]) => line),
    ),
    added: added.map(([key]) => key),
    emptyHere,
  };
}
