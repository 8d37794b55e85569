/**
 * Runs the build stage of a generated Dockerfile outside a container: its WORKDIR, ENV,
 * COPY and RUN instructions, with `/` mapped to a scratch folder and the build context
 * (the repository root) as the source of COPY. What the image would hold is then on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

/** The instructions of the first stage, up to the next FROM, with continuation lines joined. */
export function buildStage(dockerfile: string): Array<[string, string]> {
  const lines = dockerfile.replace(/\\\n\s*/g, ' ').split('\n');
  const start = lines.findIndex((line) => line.startsWith('FROM '));
  const end = lines.findIndex((line, index) => index > start && line.startsWith('FROM '));
  return lines
    .slice(start + 1, end === -1 ? undefined : end)
    .filter((line) => /^[A-Z]+ /.test(line))
    .map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1).trim()]);
}

/** What the generated .dockerignore keeps out of the build context. */
const IGNORED = /\/(\.venv|\.env|tests|__pycache__|\.\w+_cache|[^/]*\.db)(\/|$)/;

/** Copies like COPY: `name*` may match nothing; a directory is copied whole. */
function copy(context: string, sources: string[], destination: string, root: string, cwd: string): void {
  const target = path.join(root, destination.startsWith('/') ? destination : path.join(cwd, destination));
  for (const source of sources) {
    const optional = source.endsWith('*');
    const from = path.join(context, optional ? source.slice(0, -1) : source);
    if (!fs.existsSync(from)) {
      if (optional) continue;
      throw new Error(`COPY ${source}: not in the build context`);
    }
    // A directory's contents go into the destination; a file goes into it when it is a folder.
    const isFile = fs.statSync(from).isFile();
    const into = isFile && (destination.endsWith('/') || sources.length > 1) ? path.join(target, path.basename(from)) : target;
    fs.mkdirSync(path.dirname(into), { recursive: true });
    fs.cpSync(from, into, { recursive: true, filter: (file) => !IGNORED.test(`/${path.relative(context, file)}`) });
  }
}

export async function runBuildStage(dockerfile: string, context: string, root: string, env: Record<string, string> = {}): Promise<void> {
  let cwd = '/';
  const vars: Record<string, string> = { ...env };
  const mapped = (value: string) => value.replace(/(^|[=\s])\/(?=srv)/g, `$1${root}/`);
  for (const [instruction, rest] of buildStage(dockerfile)) {
    if (instruction === 'WORKDIR') {
      cwd = rest;
      fs.mkdirSync(path.join(root, cwd), { recursive: true });
    } else if (instruction === 'ENV') {
      for (const [, name, value] of rest.matchAll(/(\w+)=(\S+)/g)) vars[name!] = mapped(value!);
    } else if (instruction === 'COPY') {
      const parts = rest.split(/\s+/);
      copy(context, parts.slice(0, -1), parts.at(-1)!, root, cwd);
    } else if (instruction === 'RUN') {
      await execa('sh', ['-c', rest], { cwd: path.join(root, cwd), env: vars });
    }
  }
}
