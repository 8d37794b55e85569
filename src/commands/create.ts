/**
 * `create-layered-backend [directory]`: answer the questions, render the plan, write it
 * atomically (src/apply.ts), then install, commit and run the first test pass.
 */
import path from 'node:path';
import pc from 'picocolors';
import { withTarget, writeProject } from '../apply.js';
import { entityContext, projectContext, serviceRecords } from '../context.js';
import { identityServiceOf } from '../auth.js';
import { PostWriteError } from '../errors.js';
import { onInterruptSay } from '../interrupt.js';
import { buildManifest } from '../manifest.js';
import { FIRST_PORT, resolveFromFlags, reproduceCommand, shellQuote, type CreateAnswers, type CreateFlags } from '../options.js';
import { renderProject } from '../render/project.js';
import { sortedPaths, type Plan } from '../render/plan.js';
import { singleReplicaNotice } from '../k8s.js';
import type { StepFailure } from '../steps/install.js';
import type { PhaseTimes } from '../steps/phases.js';
import { assertInstallTools, onPath } from '../steps/tools.js';
import type { Reporter } from '../ui.js';

interface CreateInput {
  directory: string | undefined;
  flags: CreateFlags;
  given: ReadonlySet<string>;
}

export interface CommandEnv {
  cwd: string;
  /** Questions may be asked (a TTY, no CI, no --yes). */
  interactive: boolean;
  reporter: Reporter;
  version: string;
}

/** Step 1: the answers, from flags and (in a terminal) prompts. */
async function gatherAnswers(input: CreateInput, env: CommandEnv): Promise<CreateAnswers> {
  const uvAvailable = input.flags.packageManager ? input.flags.packageManager === 'uv' : onPath('uv');
  let { directory, flags } = input;
  if (env.interactive) {
    const { askCreateQuestions } = await import('../prompts.js');
    ({ directory, flags } = await askCreateQuestions({ directory, flags, given: input.given, cwd: env.cwd, lookup: onPath }));
  }
  return resolveFromFlags(directory, flags, { cwd: env.cwd, uvAvailable });
}

/** Step 2: the whole project in memory. */
export function planProject(answers: CreateAnswers, version: string): Plan {
  const context = projectContext(answers, version);
  return renderProject(context, buildManifest(answers, serviceRecords(answers), version));
}

export async function runCreate(input: CreateInput, env: CommandEnv): Promise<void> {
  const { reporter } = env;
  reporter.intro(`create-layered-backend ${env.version}`);
  const answers = await gatherAnswers(input, env);
  const plan = planProject(answers, env.version);
  const outcome = await withTarget(answers.directory, env.cwd, reporter, async (target) => {
    if (input.flags.dryRun) {
      reportDryRun(plan, target.absolute, reporter);
      return undefined;
    }
    if (answers.install) await assertInstallTools(answers.packageManager);
    return { target, written: writeProject(plan, target) };
  });
  if (!outcome) return;

  const { target, written } = outcome;
  // What runs after the write (git, install, tests): loaded only now, and only the steps this
  // run takes, so that a dry run or a create with --no-install --no-git never loads them (they
  // are in dist/cold.br: loading any one of them decompresses it, ~10 ms).
  const [git, install, test] = await Promise.all([
    answers.git ? import('../steps/git.js') : undefined,
    answers.install ? import('../steps/install.js') : undefined,
    answers.install && answers.test ? import('../steps/test.js') : undefined,
  ]);
  const relativeDir = path.relative(env.cwd, target.absolute) || '.';
  const cdCommand = relativeDir === '.' ? '' : `cd ${shellQuote(relativeDir)} && `;
  reporter.success(`Wrote ${written.written} files to ${relativeDir}`);
  if (written.kept.length > 0) reporter.info(`Kept your existing ${written.kept.join(', ')}`);
  if (written.merged.length > 0) reporter.info(`Kept your ${written.merged.join(', ')}, with ours appended in a delimited section`);
  const singleReplica = singleReplicaNotice(answers.services);
  if (singleReplica) reporter.info(singleReplica);
  // What an interruption leaves to do: the steps below not yet run, in their order. The git
  // step is named once it is known that initRepository would commit (not inside a repository).
  const finishWith = (steps: Array<string | false>) => {
    const left = steps.filter((step): step is string => step !== false);
    return `Interrupted: the project is complete in ${relativeDir}${left.length > 0 ? `; finish with: ${cdCommand}${left.join(' && ')}` : '.'}`;
  };
  onInterruptSay(finishWith([answers.install && 'make install', answers.test && 'make test']));
  const gitPending = git !== undefined && (await git.gitSkipReason(target.absolute)) === undefined;
  onInterruptSay(finishWith([answers.install && 'make install', gitPending && git.INIT_COMMANDS, answers.test && 'make test']));

  let failure: StepFailure | undefined;
  const times: PhaseTimes = new Map();
  let installed = false;
  const commit = async () => {
    if (!git) return;
    const outcome = await git.initRepository(target.absolute);
    if (outcome.kind === 'committed') reporter.success('Initialised a git repository with a first commit');
    else if (outcome.kind === 'skipped') reporter.info(`Skipped git init: ${outcome.reason}`);
    else reporter.warn(outcome.reason);
    await recordBase(target.absolute, answers, env);
    if (!installed) onInterruptSay(finishWith([answers.install && 'make install', answers.test && 'make test']));
  };
  const onInstalled = () => {
    installed = true;
    onInterruptSay(`Interrupted during the tests: the project is installed in ${relativeDir}; run them with: ${cdCommand}make test`);
  };
  // uv.lock is part of the first commit: resolving comes first. With uv, a new project is
  // resolved from uv's cache, and the index asked while the first environment installs (a
  // lock the index would change is made again then: install.lockCheck); the commit waits for
  // that, and the suites for the commit (neither installing nor testing changes a file git
  // tracks, and the commit takes what the tests would find).
  const serviceNames = answers.services.map((service) => service.name);
  const firstService = serviceNames[0];
  const cached = install !== undefined && answers.packageManager === 'uv' && firstService !== undefined && (await install.lockFromCache(target.absolute, reporter, times));
  const lock = cached && firstService ? install.lockCheck(target.absolute, install.serviceEnvironment(firstService), reporter) : undefined;
  const installPlan = install?.projectInstallPlan(answers.packageManager, serviceNames, lock);
  if (install && installPlan && !lock) failure = await install.prepareProject(target.absolute, installPlan, reporter, times);
  if (install && installPlan && !failure) {
    const before = [...(lock?.jobs ?? []), ...(git ? [install.sideJob('git', 'git-commit', lock ? [lock.gate] : [], commit)] : [])];
    if (test) failure = (await test.installAndTestProject(target.absolute, installPlan.environments, reporter, times, { onInstalled, before })).failure;
    else failure = await install.installEnvironments(target.absolute, installPlan.environments, reporter, times, before);
  } else await commit();
  // From the start of the process: what the user waited for, writing included.
  if (times.size > 0) {
    const { phasesLine } = await import('../steps/phases.js');
    reporter.info(phasesLine(times, performance.now() / 1000));
  }

  if (failure) {
    const retry = failure.step === 'make test' ? 'make test' : 'make install && make test';
    throw new PostWriteError(`The project was written to ${relativeDir}, but ${failure.step} failed.`, [
      pc.dim('Last lines of its output:'),
      ...failure.result.tail.map((line) => pc.dim(`  ${line}`)),
      `Fix the cause, then retry with: ${cdCommand}${retry}`,
      `The same answers without the questions: ${reproduceCommand(answers)}`,
    ]);
  }
  reportNextSteps(answers, relativeDir, reporter);
}

/** What update merges from later: this render, in git beside the project's history. */
async function recordBase(root: string, answers: CreateAnswers, env: CommandEnv): Promise<void> {
  const { recordPristine } = await import('../pristine.js');
  const manifest = buildManifest(answers, serviceRecords(answers), env.version);
  const outcome = await recordPristine(root, manifest, { version: env.version, command: 'create' }).catch((error: Error) => ({
    kind: 'failed' as const,
    reason: error.message,
  }));
  if (outcome.kind === 'failed') env.reporter.warn(`Could not record the generated files for update: ${outcome.reason}`);
}

function reportDryRun(plan: Plan, targetDir: string, reporter: Reporter): void {
  const lines = sortedPaths(plan).map((file) => `${file}  ${pc.dim(`${Buffer.byteLength(plan.get(file)!)} B`)}`);
  reporter.note(lines.join('\n'), `Would write ${plan.size} files to ${targetDir}`);
  reporter.outro('Dry run: nothing was written.');
}

function reportNextSteps(answers: CreateAnswers, relativeDir: string, reporter: Reporter): void {
  const identity = identityServiceOf(answers);
  // With tokens, the first service to show is one the tokens are for, after an account.
  const first = answers.services.find((service) => service.name !== identity) ?? answers.services[0]!;
  const port = FIRST_PORT + answers.services.indexOf(first);
  const steps = [
    relativeDir === '.' ? undefined : `cd ${shellQuote(relativeDir)}`,
    answers.install ? undefined : 'make install',
    answers.test ? undefined : 'make test',
    identity === undefined ? undefined : 'make create-user USERNAME=you    # an account of the identity service (asks a password)',
    'make run    # start every service',
    identity === undefined
      ? `curl http://127.0.0.1:${port}/api/v1/${entityContext(first.entity).routePath}`
      : `curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:${port}/api/v1/${entityContext(first.entity).routePath}    # a token from POST /api/v1/auth/token of ${identity}`,
  ].filter((step): step is string => step !== undefined);
  reporter.note(steps.join('\n'), 'Next steps');
  reporter.info(`To skip the questions next time:\n  ${pc.cyan(reproduceCommand(answers))}`);
  reporter.outro(pc.green('Done.'));
}
