/**
 * Every check of `doctor`, in report order, and running them: all at once (most wait on a
 * subprocess or a socket), each failure of a check itself reported as its own problem.
 */
import { ENVIRONMENT_CHECKS, TOOLS_CHECK } from './environment-checks.js';
import { LAYOUT_CHECKS } from './layout-checks.js';
import { RUNTIME_CHECKS } from './runtime-checks.js';
import { problem, type Check, type CheckResult, type DoctorProject } from './types.js';

export const CHECKS: readonly Check[] = [TOOLS_CHECK, ...LAYOUT_CHECKS, ...ENVIRONMENT_CHECKS, ...RUNTIME_CHECKS];

export async function runChecks(project: DoctorProject, checks: readonly Check[] = CHECKS): Promise<CheckResult[]> {
  const results = await Promise.all(
    checks.map(async (check) => {
      try {
        return await check.run(project);
      } catch (error) {
        return [problem(check.id, `${check.title}: the check failed (${(error as Error).message})`, 'report this with the output of doctor --json')];
      }
    }),
  );
  return results.flat();
}
