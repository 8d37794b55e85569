/**
 * Writing a plan to disk without ever leaving half a project: everything is written to a
 * staging directory beside the target, then renamed into place in one step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WriteError } from './errors.js';
import type { Plan } from './render/plan.js';
import type { TargetState } from './target.js';

/** Staging directories not yet renamed into place: removed if the process is interrupted. */
const pendingStaging = new Set<string>();

export function removePendingStaging(): void {
  for (const dir of pendingStaging) fs.rmSync(dir, { recursive: true, force: true });
  pendingStaging.clear();
}

/** Write every file of `plan` under `dir` (which must exist). */
export function writePlanFiles(plan: Plan, dir: string): void {
  const made = new Set<string>();
  for (const [relative, contents] of plan) {
    const file = path.join(dir, ...relative.split('/'));
    const parent = path.dirname(file);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    fs.writeFileSync(file, contents);
  }
}

export interface WriteResult {
  written: number;
  /** Planned files not written because a harmless file of the user's was already there. */
  kept: string[];
}

/**
 * Write a new project. The target either does not exist (the staging directory is renamed to
 * it) or holds only harmless files (the staged entries are renamed into it; the user's files
 * win over planned ones of the same name).
 */
export function writeProject(plan: Plan, target: TargetState): WriteResult {
  const staging = path.join(
    path.dirname(target.absolute),
    `.${path.basename(target.absolute)}.staging-${randomBytes(4).toString('hex')}`,
  );
  // A planned path whose top-level entry the user already has (README.md, .github/) is kept.
  const kept = [...plan.keys()].filter((relative) => target.existing.includes(relative.split('/')[0]!));
  const files: Plan = new Map([...plan].filter(([relative]) => !kept.includes(relative)));
  pendingStaging.add(staging);
  try {
    fs.mkdirSync(staging, { recursive: true });
    writePlanFiles(files, staging);
    if (!target.exists) {
      fs.mkdirSync(path.dirname(target.absolute), { recursive: true });
      fs.renameSync(staging, target.absolute);
    } else {
      for (const entry of fs.readdirSync(staging)) {
        fs.renameSync(path.join(staging, entry), path.join(target.absolute, entry));
      }
      fs.rmSync(staging, { recursive: true, force: true });
    }
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new WriteError(`Could not write the project to ${target.absolute}: ${(error as Error).message}`);
  } finally {
    pendingStaging.delete(staging);
  }
  return { written: files.size, kept };
}
