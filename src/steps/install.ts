/**
 * Installing a generated project: the root tooling environment, then one virtual environment
 * per service (each service's package is `app`, so they never share one). The commands live
 * in the generated Makefile; the CLI runs its targets one by one to report progress.
 */
import type { Reporter } from '../ui.js';
import { runStreamed, type RunResult } from './run.js';

export interface StepFailure {
  step: string;
  result: RunResult;
}

/** The Makefile targets that install a whole project: the root tooling, then each service. */
export const projectInstallTargets = (serviceNames: string[]): InstallTarget[] => [
  { target: 'install-root', title: 'Installing the root test tooling' },
  ...serviceNames.map(serviceInstallTarget),
];

export const serviceInstallTarget = (name: string): InstallTarget => ({
  target: `install-service-${name}`,
  title: `Installing service ${name}`,
});

export interface InstallTarget {
  target: string;
  title: string;
}

/** Run install targets one by one, streaming each; stop at the first failure. */
export async function runInstallTargets(
  projectDir: string,
  targets: InstallTarget[],
  reporter: Reporter,
): Promise<StepFailure | undefined> {
  for (const { target, title } of targets) {
    const task = reporter.task(title);
    const result = await runStreamed('make', ['--no-print-directory', target], { cwd: projectDir, task });
    if (!result.ok) {
      task.fail(`${title} failed (make ${target}, exit ${result.exitCode ?? result.signal})`);
      return { step: `make ${target}`, result };
    }
    task.done(title.replace(/^Installing/, 'Installed'));
  }
  return undefined;
}
