import { execFileSync } from 'node:child_process';

/** Whether a command is on PATH (`probe`: arguments it answers successfully, `--version` by default). */
export function hasTool(command: string, probe: string[] = ['--version']): boolean {
  try {
    execFileSync(command, probe, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Tests that need an optional tool skip without it on a developer's machine, with the reason
 * in the test name; CI sets REQUIRE_TOOLS=1 so that a missing tool fails instead.
 */
export function toolAvailable(command: string, probe?: string[]): boolean {
  if (hasTool(command, probe)) return true;
  if (process.env.REQUIRE_TOOLS === '1') throw new Error(`${command} is required (REQUIRE_TOOLS=1) but not on PATH`);
  return false;
}
