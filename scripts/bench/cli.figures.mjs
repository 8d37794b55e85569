// The CLI's own work (issue 11): start-up, render, writing, package size.
//   --help            create-layered-backend --help            vs  node -e 0
//   dry-run           create --dry-run of the default project   vs  node -e 0
//   dry-run, first    the same with no code cache (it writes it) vs  node -e 0
//   write (N svc)     create --no-install of N services          vs  node -e 0 + cp -r of the same tree
//   package           npm pack size                              vs  the goal in kB
//
// Where the floors are (CPU time, this 2-core machine, node 20; node -e 0 costs ~65 ms):
//   dry-run <= 1.4x leaves ~26 ms for the whole run. The templates are data compiled by the
//   build (src/render/template-format.ts): no template engine is loaded or compiled, the text
//   is sliced from the layer files; secrets come from /dev/urandom, not node:crypto. The YAML
//   files (compose, workflows, Kubernetes) are written without the yaml library
//   (src/yaml-text.ts): loading it and stringifying its documents cold cost ~20 ms more.
//   What is left is running ~165 kB of bundled code cold (commander and the command line, the
//   context, compose, Kubernetes, CI and YAML writers) and printing. That code is one file,
//   dist/index.js (scripts/compress-dist.mjs merges the chunks --help and create load into it:
//   one file to read instead of ~18), compiled by bin/create-layered-backend.js with a V8 code
//   cache (dist/index.js.cache, written by the first run of each path): compiling was about a
//   third of a dry run, and with the cache the run deserializes V8's code instead (an earlier
//   measure, quiet machine: dry-run 1.53x -> 1.32x, --help 1.15x). The first run of a path
//   compiles and writes the cache: "dry-run, first run" below is that run, over the goal.
//   Its floor, in instructions (valgrind callgrind, all threads; node -e 0 ~502M): cached dry
//   run ~604M, first run ~692M, of which ~14M serialize and write the cache and the rest is V8
//   parsing and compiling the ~550 functions the run calls (the merged chunks are compiled
//   eagerly, in parentheses, so as not to be pre-parsed twice). V8 flags for background or
//   eager compilation (--parallel-compile-tasks-for-lazy, --no-lazy, set from the bin) did not
//   lower it.
//   write: the kernel's work is the same as cp's (one mkdir per directory, one
//   open-write-close per file: 322 openat, 69 mkdir, 1 rename for 281 files; cp -r does ~650
//   openat and ~1100 stat); what is left over the reference is the render (the dry run's
//   cost over node) and, since create loads only the post-write steps it takes, nothing after
//   the write (--no-install --no-git used to decompress dist/cold.br for git, install and tests
//   it then skipped: ~35M instructions, ~6 ms).
//   package <= 120 kB is out of reach without dropping features: the compiled templates alone
//   are ~115 kB with brotli (542 kB raw, ~166 kB as npm gzips them), the chunks only install,
//   prompts, add-service and doctor load ~114 kB with brotli (dist/cold.br: the libraries
//   yaml, execa, @clack/prompts and diff are most of it), and the code --help and create load
//   ~48 kB with brotli (~55 kB gzipped): ~277 kB with everything in brotli, ~338 kB as shipped.
//   Shipping the templates with brotli (~45 kB less packed) would cost each create ~5 ms to
//   load zlib and decompress the ~360 kB of layers a default project reads: more than the
//   dry run's margin under its goal.
// --package-manager is given so that every machine renders the same project, with or
// without uv on PATH (uv is looked up by scanning PATH, never run, so no probe is timed).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bin, figure, node, nodeStart, paired, root, scratch, time } from './harness.mjs';

export const title = 'CLI start-up, render, writing and package';

const services = (count) => (count === 2 ? 'users,orders' : Array.from({ length: count }, (_, i) => `svc${i + 1}`).join(','));
const createArgs = (dir, count) => [bin, dir, '--services', services(count), '--yes', '--no-install', '--no-git', '--package-manager', 'uv'];

export async function figures() {
  const { dir: work, done } = scratch('cli');
  const rows = [];
  try {
    rows.push(figure({ name: '--help', ...paired(() => node([bin, '--help'], work), () => nodeStart(work)), goal: 1.25, reference: 'node -e 0' }));
    rows.push(
      figure({
        name: 'dry-run, default project',
        ...paired((i) => node([...createArgs(`dry${i}`, 2), '--dry-run'], work), () => nodeStart(work)),
        goal: 1.4,
        reference: 'node -e 0',
      }),
    );
    // A run with no code cache: the first one of a new install, which also writes the cache.
    const cacheFiles = () => fs.readdirSync(path.join(root, 'dist')).filter((file) => file.startsWith('index.js.cache'));
    rows.push(
      figure({
        name: 'dry-run, first run (no cache)',
        ...paired(
          (i) => {
            for (const file of cacheFiles()) fs.rmSync(path.join(root, 'dist', file), { force: true });
            return node([...createArgs(`first${i}`, 2), '--dry-run'], work);
          },
          () => nodeStart(work),
        ),
        goal: 1.4,
        reference: 'node -e 0',
      }),
    );
    for (const count of [2, 50]) {
      // The reference tree: what create writes, copied with cp -r after a bare node start.
      node(createArgs(`tree${count}`, count), work);
      const files = execFileSync('find', [`tree${count}`, '-type', 'f'], { cwd: work, encoding: 'utf8' }).trim().split('\n').length;
      const result = paired(
        (i) => {
          const ms = node(createArgs(`w${count}-${i}`, count), work);
          fs.rmSync(path.join(work, `w${count}-${i}`), { recursive: true, force: true });
          return ms;
        },
        (i) => {
          const ms = nodeStart(work) + time('cp', ['-r', `tree${count}`, `c${count}-${i}`], work);
          fs.rmSync(path.join(work, `c${count}-${i}`), { recursive: true, force: true });
          return ms;
        },
      );
      rows.push(figure({ name: `write, ${count} services (${files} files)`, ...result, goal: 1.3, reference: 'node -e 0 + cp -r' }));
    }
  } finally {
    done();
  }
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
  const goalKb = 120;
  const kb = pack.size / 1024;
  rows.push(
    figure({
      name: 'package (npm pack)',
      own: kb,
      ref: goalKb,
      ratio: kb / goalKb,
      goal: 1,
      unit: 'kB',
      reference: 'the goal in kB',
      note: `${pack.entryCount} files, ${(pack.unpackedSize / 1024).toFixed(0)} kB unpacked`,
    }),
  );
  return rows;
}
