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

/** update wrote its merge, but some files conflict: markers to resolve by hand. Exit 3. */
export class ConflictError extends CliError {
  readonly exitCode = 3;
}

/** The user cancelled (Ctrl-C, a cancelled prompt, SIGTERM). Exit 130. */
export class CancelledError extends CliError {
  readonly exitCode = 130;
}

const FS_REASONS: Record<string, string> = {
  ENAMETOOLONG: 'a name in the path, or the whole path, is too long',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'a directory is in the way',
  EEXIST: 'something is already there',
  ENOTEMPTY: 'something is already there',
  ELOOP: 'the path has too many symbolic links',
  EMFILE: 'too many open files',
  EIO: 'an input/output error',
};

/** A file-system error in words, with the path when it is short enough to read. */
export function describeFsError(error: unknown): string {
  const { code, path: file } = error as NodeJS.ErrnoException;
  const reason = code ? FS_REASONS[code] : undefined;
  if (!reason) return (error as Error).message ?? String(error);
  return file && file.length <= 200 ? `${reason} (${code}: ${file})` : `${reason} (${code})`;
}
