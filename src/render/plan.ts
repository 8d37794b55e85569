/**
 * A plan is a whole project (or a change to one) held in memory: relative POSIX path ->
 * file contents. Rendering produces plans; writing, dry runs, conflict checks and snapshots
 * consume them, so nothing touches the disk until every question has been answered.
 */
export type Plan = Map<string, string>;

/** Add `files` under `prefix`, refusing to silently replace a path already planned. */
export function mergeInto(plan: Plan, files: Plan, prefix = ''): void {
  for (const [relative, contents] of files) {
    const target = prefix ? `${prefix}/${relative}` : relative;
    if (plan.has(target)) throw new Error(`Two templates render to ${target}`);
    plan.set(target, contents);
  }
}

export const sortedPaths = (plan: Plan): string[] => [...plan.keys()].sort();
