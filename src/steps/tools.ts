/**
 * The tools a run needs on the machine, checked before anything is written, and before the
 * question whose answer depends on them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MissingToolError } from '../errors.js';
import type { PackageManager } from '../options.js';
import { isAvailable } from './run.js';

export type ToolCheck = (command: string) => Promise<boolean>;
/** Whether a command is on PATH, answered without running it. */
export type ToolLookup = (command: string) => boolean;

/**
 * The path of `command` in the first PATH entry holding an executable file of that name.
 * No child process: a version manager's shim can take tens of milliseconds to answer.
 */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const extensions = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
  for (const dir of (env.PATH ?? '').split(platform === 'win32' ? ';' : ':')) {
    if (dir === '') continue;
    for (const extension of extensions) {
      const candidate = path.join(dir, command + extension);
      try {
        if (!fs.statSync(candidate).isFile()) continue;
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        // Not there, or not executable: the next entry.
      }
    }
  }
  return undefined;
}

export const onPath: ToolLookup = (command) => findOnPath(command) !== undefined;

/** What installing and testing a project needs: make, and uv or python3. */
export const installTools = (packageManager: PackageManager): string[] => ['make', packageManager === 'uv' ? 'uv' : 'python3'];

/** The tools installing with `packageManager` needs that `lookup` does not find. */
export const missingInstallTools = (packageManager: PackageManager, lookup: ToolLookup = onPath): string[] =>
  installTools(packageManager).filter((tool) => !lookup(tool));

/** Fails, before anything is written, when a tool installing needs is missing or broken. */
export async function assertInstallTools(packageManager: PackageManager, check: ToolCheck = isAvailable): Promise<void> {
  const missing: string[] = [];
  for (const tool of installTools(packageManager)) if (!(await check(tool))) missing.push(tool);
  if (missing.length === 0) return;
  const hints = missing.map((tool) => `  ${tool}: ${INSTALL_HINTS[tool] ?? 'install it and try again'}`);
  throw new MissingToolError(`Installing the project needs ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not on PATH.`, [
    ...hints,
    'Or generate without installing: add --no-install.',
  ]);
}

export const INSTALL_HINTS: Record<string, string> = {
  uv: 'pip install uv (or https://docs.astral.sh/uv/), or choose --package-manager pip',
  python3: 'install Python 3.11 or newer',
  make: 'install make (Debian/Ubuntu: apt install make; macOS: xcode-select --install)',
};
