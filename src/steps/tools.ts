/**
 * The tools a run needs on the machine, checked before anything is written.
 */
import { MissingToolError } from '../errors.js';
import type { PackageManager } from '../options.js';
import { isAvailable } from './run.js';

export type ToolCheck = (command: string) => Promise<boolean>;

/** What installing and testing a project needs: make, and uv or python3. */
export async function assertInstallTools(packageManager: PackageManager, check: ToolCheck = isAvailable): Promise<void> {
  const needed = ['make', packageManager === 'uv' ? 'uv' : 'python3'];
  const missing: string[] = [];
  for (const tool of needed) if (!(await check(tool))) missing.push(tool);
  if (missing.length === 0) return;
  const hints = missing.map((tool) => `  ${tool}: ${INSTALL_HINTS[tool] ?? 'install it and try again'}`);
  throw new MissingToolError(`Installing the project needs ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not on PATH.`, [
    ...hints,
    'Or generate without installing: add --no-install.',
  ]);
}

const INSTALL_HINTS: Record<string, string> = {
  uv: 'pip install uv (or https://docs.astral.sh/uv/), or choose --package-manager pip',
  python3: 'install Python 3.11 or newer',
  make: 'install make (Debian/Ubuntu: apt install make; macOS: xcode-select --install)',
};
