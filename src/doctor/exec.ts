/** Running a read-only tool for a check: output captured, never streamed, bounded in time. */
export interface ToolOutput {
  exitCode: number | undefined;
  output: string;
  /** It could not start (not found) or ran out of time. */
  failedToRun: boolean;
}

const TIMEOUT_MS = 60_000;

export async function runTool(file: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<ToolOutput> {
  // execa is loaded by the checks that run a tool only.
  const { execa } = await import('execa');
  const result = await execa(file, args, {
    cwd,
    env: { ...env, NO_COLOR: '1' },
    all: true,
    reject: false,
    stdin: 'ignore',
    timeout: TIMEOUT_MS,
  });
  return { exitCode: result.exitCode, output: result.all ?? '', failedToRun: result.failed && result.exitCode === undefined };
}

/** The last meaningful line of a tool's output, for a one-line message. */
export const lastLine = (output: string): string =>
  output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1) ?? '';

/** The first `error: ...` line of a tool's output (without the prefix), else its last line. */
export function firstError(output: string): string {
  const error = output.split(/\r?\n/).find((line) => /^error:/i.test(line.trim()));
  return error ? error.trim().replace(/^error:\s*/i, '') : lastLine(output);
}
