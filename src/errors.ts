/**
 * Every failure the CLI reports is one of these. They travel up to `main()`, which prints the
 * message and picks the exit code: nothing else in the code calls `process.exit`.
 */
export abstract class CliError extends Error {
  abstract readonly exitCode: number;
  /** Extra lines printed under the message (a list of conflicts, a retry command, a log tail). */
  readonly details: string[];

  constructor(message: string, details: string[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** Bad input: a name, a flag, a target directory. Nothing was written. Exit 1. */
export class UsageError extends CliError {
  readonly exitCode = 1;
}

/** The project could not be written (permissions, disk). Nothing is left behind. Exit 1. */
export class WriteError extends CliError {
  readonly exitCode = 1;
}

/** A tool the CLI needs (uv, python3, make) is missing. Exit 1 before writing, 2 after. */
export class MissingToolError extends CliError {
  constructor(
    message: string,
    details: string[] = [],
    readonly exitCode: number = 1,
  ) {
    super(message, details);
  }
}

/** The project was written, but installing or its first test pass failed. Exit 2. */
export class PostWriteError extends CliError {
  readonly exitCode = 2;
}

/** The user cancelled (Ctrl-C, a cancelled prompt, SIGTERM). Exit 130. */
export class CancelledError extends CliError {
  readonly exitCode = 130;
}
