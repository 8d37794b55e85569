/**
 * How the CLI talks to its user. In a terminal it uses @clack/prompts (spinners, task logs),
 * loaded only then; when output is piped it prints plain lines, so logs stay readable and free
 * of cursor codes.
 */
import pc from 'picocolors';

/**
 * Whether the `CI` variable says the run is in CI. CI services set it to `true` or `1`; a
 * user who exports `CI=false`, `CI=0` or an empty `CI` is in a terminal and may be asked.
 */
export function runsInCI(value: string | undefined): boolean {
  if (value === undefined) return false;
  const normalised = value.trim().toLowerCase();
  return normalised !== '' && normalised !== '0' && normalised !== 'false';
}

export interface TaskReporter {
  /** One line of a tool's output. */
  line(text: string): void;
  done(message: string): void;
  fail(message: string): void;
}

export interface Reporter {
  intro(title: string): void;
  step(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  success(message: string): void;
  error(message: string, details?: string[]): void;
  note(body: string, title: string): void;
  task(title: string): TaskReporter;
  outro(message: string): void;
}

export async function clackReporter(): Promise<Reporter> {
  const clack = await import('@clack/prompts');
  return {
    intro: (title) => clack.intro(pc.inverse(` ${title} `)),
    step: (message) => clack.log.step(message),
    info: (message) => clack.log.info(message),
    warn: (message) => clack.log.warn(message),
    success: (message) => clack.log.success(message),
    error: (message, details = []) => clack.log.error([message, ...details].join('\n')),
    note: (body, title) => clack.note(body, title),
    task: (title) => {
      const log = clack.taskLog({ title, limit: 12, retainLog: true });
      return {
        line: (text) => log.message(text),
        done: (message) => log.success(message),
        fail: (message) => log.error(message, { showLog: true }),
      };
    },
    outro: (message) => clack.outro(message),
  };
}

export function plainReporter(out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Reporter {
  const print = (text: string) => out.write(`${text}\n`);
  return {
    intro: (title) => print(pc.bold(title)),
    step: (message) => print(`${pc.green('*')} ${message}`),
    info: (message) => print(message),
    warn: (message) => err.write(`${pc.yellow('warning:')} ${message}\n`),
    success: (message) => print(`${pc.green('ok')} ${message}`),
    error: (message, details = []) => err.write(`${pc.red('error:')} ${[message, ...details].join('\n')}\n`),
    note: (body, title) => print(`\n${pc.bold(title)}\n${body.replace(/^/gm, '  ')}\n`),
    task: (title) => {
      print(`${pc.cyan('>')} ${title}`);
      return {
        line: (text) => print(pc.dim(`  ${text}`)),
        done: (message) => print(`${pc.green('ok')} ${message}`),
        fail: (message) => err.write(`${pc.red('failed:')} ${message}\n`),
      };
    },
    outro: (message) => print(message),
  };
}

/** Secrets in dotenv files stay off the screen (and out of CI logs) in a dry run. */
const hideSecrets = (text: string): string => text.replace(/^([A-Z0-9_]*(?:SECRET|PASSWORD)[A-Z0-9_]*)=.*$/gm, '$1=<hidden>');

/** A coloured unified diff of one file's change, secrets of `.env` files hidden. */
async function formatDiff(file: string, before: string, after: string): Promise<string> {
  const { createTwoFilesPatch } = await import('diff');
  const [a, b] = /(^|\/)\.env$/.test(file) ? [hideSecrets(before), hideSecrets(after)] : [before, after];
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, a, b, '', '', { context: 2 })
    .split('\n')
    .slice(1)
    .map((line) => (line.startsWith('+') && !line.startsWith('+++') ? pc.green(line) : line.startsWith('-') && !line.startsWith('---') ? pc.red(line) : line))
    .join('\n');
}

/**
 * A dry run's account of a change to an existing project: the files it would create, and
 * a diff of each file it would change.
 */
export async function showChangePlan(
  reporter: Reporter,
  created: readonly string[],
  modified: ReadonlyMap<string, { before: string; after: string }>,
  relativeRoot: string,
): Promise<void> {
  if (created.length > 0) reporter.note(created.join('\n'), `Would create ${created.length} files in ${relativeRoot}`);
  for (const [file, { before, after }] of modified) reporter.note(await formatDiff(file, before, after), `Would change ${file}`);
}
