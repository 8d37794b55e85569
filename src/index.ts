/**
 * Entry point: builds the environment, runs the command line, and is the one place that
 * prints errors and picks the exit code.
 */
import { CommanderError } from 'commander';
import pc from 'picocolors';
import { removePendingStaging } from './apply.js';
import { buildProgram } from './cli.js';
import type { CommandEnv } from './commands/create.js';
import { CliError, describeFsError } from './errors.js';
import { interruptMessage } from './interrupt.js';
import { clackReporter, plainReporter, runsInCI } from './ui.js';

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

function canAsk(yes: boolean | undefined): boolean {
  return !yes && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY) && !runsInCI(process.env.CI);
}

function makeEnv(flags: { yes?: boolean }): CommandEnv {
  const interactive = canAsk(flags.yes);
  return {
    cwd: process.cwd(),
    interactive,
    reporter: process.stdout.isTTY ? clackReporter() : plainReporter(),
    version: VERSION,
  };
}

function onSignal(signal: NodeJS.Signals): void {
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
      const reporter = process.stdout.isTTY ? clackReporter() : plainReporter();
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
