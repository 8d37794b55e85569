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

export async function installProject(
  projectDir: string,
  serviceNames: string[],
  reporter: Reporter,
): Promise<StepFailure | undefined> {
  const targets = [
    { target: 'install-root', title: 'Installing the root test tooling' },
    ...serviceNames.map((name) => ({ target: `install-service-${name}`, title: `Installing service ${name}` })),
  ];
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
