/**
 * Entry point: builds the environment, runs the command line, and is the one place that
 * prints errors and picks the exit code.
 */
import { CommanderError } from 'commander';
import pc from 'picocolors';
import { buildProgram } from './cli.js';
import type { CommandEnv } from './commands/create.js';
import { CliError, describeFsError } from './errors.js';
import { interruptMessage, isInterrupted, markInterrupted } from './interrupt.js';
import { clackReporter, plainReporter, runsInCI, type Reporter } from './ui.js';

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

function canAsk(yes: boolean | undefined): boolean {
  return !yes && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY) && !runsInCI(process.env.CI);
}

/** The terminal's reporter, or plain lines when output is piped. */
const makeReporter = async (): Promise<Reporter> => (process.stdout.isTTY ? clackReporter() : plainReporter());

async function makeEnv(flags: { yes?: boolean }): Promise<CommandEnv> {
  const interactive = canAsk(flags.yes);
  return {
    cwd: process.cwd(),
    interactive,
    reporter: await makeReporter(),
    version: VERSION,
  };
}

/**
 * How long a running tool gets to stop what it started (the test pass stops its services and
 * drops its test databases) before it is killed.
 */
const STOP_GRACE_MS = 10_000;

/**
 * The modules that know what a run has in flight (tools started, staging folders), loaded
 * only when a signal comes: --help and a dry run never load the writer or the tool runner.
 * Both are already loaded whenever they hold something, so this import only resolves them.
 */
const inFlight = async () => {
  const [tools, apply] = await Promise.all([import('./steps/run.js'), import('./apply.js')]);
  return { ...tools, removePendingStaging: apply.removePendingStaging };
};

/**
 * Ctrl-C, SIGTERM or a closed terminal: the running tool (in a process group of its own, see
 * steps/run.ts) gets the same signal and time to clean up; a second signal kills it at once.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (isInterrupted()) {
    void inFlight().then(({ signalRunningTools }) => signalRunningTools('SIGKILL'));
    return;
  }
  // Marked at once: from here no new step starts, whatever the import below takes.
  markInterrupted();
  void inFlight().then(({ runningTools, stopRunningTools, removePendingStaging }) => {
    const tools = runningTools();
    if (tools.length === 0) exitInterrupted(signal, removePendingStaging);
    process.stderr.write(`\n${pc.dim(`Stopping ${tools.join(', ')} (press Ctrl-C again to kill it now)...`)}\n`);
    void stopRunningTools(signal, STOP_GRACE_MS).then(() => exitInterrupted(signal, removePendingStaging));
  });
}

function exitInterrupted(signal: NodeJS.Signals, removePendingStaging: () => void): never {
  removePendingStaging();
  process.stderr.write(`\n${pc.yellow(interruptMessage())} (${signal})\n`);
  process.exit(130);
}

/** Output piped into a reader that stopped (`| head`) is not an error of ours. */
function onOutputError(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  process.stdout.on('error', onOutputError);
  process.stderr.on('error', onOutputError);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const program = buildProgram(VERSION, makeEnv).exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed its message (or the help / version).
      return error.exitCode === 0 ? 0 : 1;
    }
    if (error instanceof CliError) {
      const reporter = await makeReporter();
      reporter.error(error.message, error.details);
      return error.exitCode;
    }
    const { code, syscall } = error as NodeJS.ErrnoException;
    if (typeof code === 'string' && typeof syscall === 'string') {
      // A file-system or process error is the machine's, not a bug: one line, no stack.
      process.stderr.write(`${pc.red('error:')} ${syscall} failed: ${describeFsError(error)}\n`);
      return 1;
    }
    process.stderr.write(`${pc.red('Unexpected error:')} ${(error as Error).stack ?? String(error)}\n`);
    process.stderr.write('Please report this with the command you ran.\n');
    return 1;
  }
}
