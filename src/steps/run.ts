/**
 * Running a tool with its output streamed to a task log, keeping the tail for error messages.
 */
import { execa } from 'execa';
import type { TaskReporter } from '../ui.js';

export interface RunResult {
  ok: boolean;
  exitCode: number | undefined;
  /** The last lines of combined stdout and stderr. */
  tail: string[];
  output: string;
  /** The tool was killed by a signal (the user pressed Ctrl-C). */
  signal: string | undefined;
}

const TAIL_LINES = 30;

export async function runStreamed(
  file: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; task?: TaskReporter },
): Promise<RunResult> {
  const lines: string[] = [];
  const child = execa(file, args, {
    cwd: options.cwd,
    env: { ...options.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    all: true,
    reject: false,
    stdin: 'ignore',
    lines: false,
  });
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

/** Whether `command` can be run (found on PATH and answers `--version`). */
export async function isAvailable(command: string): Promise<boolean> {
  try {
    const result = await execa(command, ['--version'], { reject: false, stdin: 'ignore', timeout: 10_000 });
    return result.exitCode === 0;
  } catch {
    return false;
  }
}
