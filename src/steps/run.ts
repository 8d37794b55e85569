/**
 * Running a tool with its output streamed to a task log, keeping the tail for error messages.
 *
 * Each tool runs in a process group of its own (`detached`), so that an interruption can stop
 * the whole tree it started (make, pytest, the services the tests start), not only its first
 * process. A terminal's Ctrl-C therefore no longer reaches the tools directly: the CLI
 * forwards it (`stopRunningTools`) and waits for them to finish cleaning up.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { isInterrupted } from '../interrupt.js';
import type { TaskReporter } from '../ui.js';

export interface RunResult {
  ok: boolean;
  exitCode: number | undefined;
  /** The last lines of combined stdout and stderr. */
  tail: string[];
  output: string;
  /** The tool was killed by a signal from elsewhere (an interruption of the CLI never returns). */
  signal: string | undefined;
  /** Set when the tool was never started, and why: a step it needed failed. */
  notRun?: string;
}

const TAIL_LINES = 30;
/** How often `stopRunningTools` looks whether a process group has emptied. */
const GROUP_POLL_MS = 50;
/** How long killed processes get to vanish before the CLI exits anyway. */
const KILL_WAIT_MS = 2_000;

/** Each running tool's process group id (its first process's pid) -> its command line. */
const runningGroups = new Map<number, string>();

/** A promise that never settles: after an interruption the signal handler owns the exit. */
const untilExit = (): Promise<never> => new Promise<never>(() => {});

export async function runStreamed(
  file: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; task?: TaskReporter },
): Promise<RunResult> {
  // Interrupted between two tools: start no new one.
  if (isInterrupted()) return untilExit();
  const lines: string[] = [];
  // execa is loaded on the paths that run a tool, never for --help or a dry run.
  const { execa } = await import('execa');
  const child = execa(file, args, {
    cwd: options.cwd,
    env: { ...options.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    all: true,
    reject: false,
    stdin: 'ignore',
    lines: false,
    detached: true,
  });
  const group = child.pid;
  // Named as a person would type it: `make test`, without the options the CLI adds.
  if (group !== undefined) trackGroup(group, [file, ...args.filter((arg) => !arg.startsWith('-'))].join(' '));
  child.all?.setEncoding('utf8');
  let pending = '';
  child.all?.on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split(/\r?\n/);
    pending = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      options.task?.line(line);
    }
  });
  const result = await child;
  // The tool ended because it was told to stop: its failure is not news.
  if (isInterrupted()) return untilExit();
  if (group !== undefined) runningGroups.delete(group);
  if (pending) {
    lines.push(pending);
    options.task?.line(pending);
  }
  return {
    ok: result.exitCode === 0,
    exitCode: result.exitCode,
    tail: lines.slice(-TAIL_LINES),
    output: lines.join('\n'),
    signal: result.signal ?? undefined,
  };
}

let exitHookInstalled = false;

function trackGroup(group: number, command: string): void {
  runningGroups.set(group, command);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Whatever makes the CLI exit with a tool still running (output closed, a crash), the tool
  // does not go on without it.
  process.once('exit', () => signalRunningTools('SIGTERM'));
}

/** The command lines of the tools started by `runStreamed` that are still running. */
export function runningTools(): string[] {
  return [...runningGroups.values()];
}

/** Send `signal` to every process of every running tool. */
export function signalRunningTools(signal: NodeJS.Signals): void {
  for (const group of runningGroups.keys()) signalGroup(group, signal);
}

/** False once the group has no process left. */
function signalGroup(group: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    return false; // ESRCH: every process of the group has exited
  }
}

/**
 * Forward `signal` to every running tool and wait until each of their process groups is
 * empty (the tools stop what they started, such as test services); after `graceMs`, kill
 * what is left. Calling `signalRunningTools('SIGKILL')` meanwhile cuts the wait short.
 */
export async function stopRunningTools(signal: NodeJS.Signals, graceMs: number): Promise<void> {
  signalRunningTools(signal);
  if (await groupsEmptied(graceMs)) return;
  signalRunningTools('SIGKILL');
  await groupsEmptied(KILL_WAIT_MS);
}

/** Wait up to `timeoutMs` for every running tool's process group to empty. */
async function groupsEmptied(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const group of runningGroups.keys()) if (!signalGroup(group, 0)) runningGroups.delete(group);
    if (runningGroups.size === 0) return true;
    if (Date.now() >= deadline) return false;
    await delay(GROUP_POLL_MS);
  }
}

/** Whether `command` can be run (found on PATH and answers `--version`). */
export async function isAvailable(command: string): Promise<boolean> {
  try {
    const { execa } = await import('execa');
    const result = await execa(command, ['--version'], { reject: false, stdin: 'ignore', timeout: 10_000 });
    return result.exitCode === 0;
  } catch {
    return false;
  }
}
