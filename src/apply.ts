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

/** A change to an existing project: files to create and files to replace, all computed first. */
export interface ChangePlan {
  create: Plan;
  modify: Map<string, { before: string; after: string }>;
}

const toNative = (root: string, relative: string): string => path.join(root, ...relative.split('/'));

/** The shallowest part of `relative` that does not exist yet under `root`. */
function firstMissing(root: string, relative: string): string {
  const segments = relative.split('/');
  for (let depth = 1; depth <= segments.length; depth++) {
    const prefix = segments.slice(0, depth).join('/');
    if (!fs.existsSync(toNative(root, prefix))) return prefix;
  }
  throw new WriteError(`${relative} already exists`);
}

/**
 * Apply a change so the project ends up exactly as before or exactly as after. Everything is
 * written to a staging directory inside the project first; then new folders are renamed
 * into place and changed files replaced by rename (each atomic). The renames run in one
 * synchronous stretch, so a signal cannot land between them; if one fails, those already
 * done are undone from the backups.
 */
export function applyChange(root: string, change: ChangePlan): void {
  const staging = path.join(root, `.layered-backend-staging-${randomBytes(4).toString('hex')}`);
  pendingStaging.add(staging);
  const mounts = [...new Set([...change.create.keys()].map((relative) => firstMissing(root, relative)))];
  const done: Array<() => void> = [];
  try {
    writePlanFiles(change.create, path.join(staging, 'new'));
    writePlanFiles(new Map([...change.modify].map(([file, { after }]) => [file, after])), path.join(staging, 'changed'));
    for (const file of change.modify.keys()) {
      if (!fs.existsSync(toNative(root, file))) continue;
      fs.mkdirSync(path.dirname(toNative(path.join(staging, 'backup'), file)), { recursive: true });
      fs.copyFileSync(toNative(root, file), toNative(path.join(staging, 'backup'), file));
    }
    for (const mount of mounts) {
      fs.mkdirSync(path.dirname(toNative(root, mount)), { recursive: true });
      fs.renameSync(toNative(path.join(staging, 'new'), mount), toNative(root, mount));
      done.push(() => fs.rmSync(toNative(root, mount), { recursive: true, force: true }));
    }
    for (const file of change.modify.keys()) {
      const existed = fs.existsSync(toNative(root, file));
      fs.renameSync(toNative(path.join(staging, 'changed'), file), toNative(root, file));
      done.push(() =>
        existed
          ? fs.renameSync(toNative(path.join(staging, 'backup'), file), toNative(root, file))
          : fs.rmSync(toNative(root, file), { force: true }),
      );
    }
  } catch (error) {
    for (const undo of done.reverse()) undo();
    throw new WriteError(`Could not apply the change to ${root}: ${(error as Error).message}. Nothing was changed.`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    pendingStaging.delete(staging);
  }
}
