#!/usr/bin/env node
// Benchmark of the CLI's own work, as ratios against references measured in the same run, so
// that a busy or a fast machine gives comparable figures. Each figure runs RUNS times
// (default 9) with its reference, alternating, and reports the median of per-pair ratios.
//   npm run bench            RUNS=15 npm run bench
//
//   --help            create-layered-backend --help            vs  node -e 0
//   dry-run           create --dry-run of the default project   vs  node -e 0
//   write (N svc)     create --no-install of N services          vs  node -e 0 + cp -r of the same tree
//   package           npm pack size                              vs  the goal in kB
// --package-manager is given so that every machine renders the same project, with or
// without uv on PATH (uv is looked up by scanning PATH, never run, so no probe is timed).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/create-layered-backend.js');
const runs = Number(process.env.RUNS ?? 9);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-bench-'));

function time(file, args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { cwd: work, stdio: 'ignore', env: { ...process.env, CI: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.status}`);
  return ms;
}
const node = (args) => time(process.execPath, args);
const nodeStart = () => node(['-e', '0']);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Runs `measure` and `reference` RUNS times each, alternating which goes first (so that
 * neither always meets a colder machine); returns medians and the median per-pair ratio.
 */
function paired(measure, reference) {
  const own = [];
  const ref = [];
  const ratios = [];
  for (let i = 0; i < runs; i++) {
    const steps = [() => own.push(measure(i)), () => ref.push(reference(i))];
    if (i % 2) steps.reverse();
    for (const step of steps) step();
    ratios.push(own.at(-1) / ref.at(-1));
  }
  return { own: median(own), ref: median(ref), ratio: median(ratios) };
}

const services = (count) => (count === 2 ? 'users,orders' : Array.from({ length: count }, (_, i) => `svc${i + 1}`).join(','));
const createArgs = (dir, count) => [bin, dir, '--services', services(count), '--yes', '--no-install', '--no-git', '--package-manager', 'uv'];

const rows = [];
const row = (figure, result, reference, goal) => rows.push({ figure, ...result, reference, goal });

row('--help', paired(() => node([bin, '--help']), nodeStart), 'node -e 0', 1.25);
row('dry-run, default project', paired((i) => node([...createArgs(`dry${i}`, 2), '--dry-run']), nodeStart), 'node -e 0', 1.4);

for (const count of [2, 50]) {
  // The reference tree: what create writes, copied with cp -r after a bare node start.
  node(createArgs(`tree${count}`, count));
  const files = execFileSync('find', [`tree${count}`, '-type', 'f'], { cwd: work, encoding: 'utf8' }).trim().split('\n').length;
  const result = paired(
    (i) => {
      const ms = node(createArgs(`w${count}-${i}`, count));
      fs.rmSync(path.join(work, `w${count}-${i}`), { recursive: true, force: true });
      return ms;
    },
    (i) => {
      const ms = nodeStart() + time('cp', ['-r', `tree${count}`, `c${count}-${i}`]);
      fs.rmSync(path.join(work, `c${count}-${i}`), { recursive: true, force: true });
      return ms;
    },
  );
  row(`write, ${count} services (${files} files)`, result, 'node -e 0 + cp -r', 1.3);
}
fs.rmSync(work, { recursive: true, force: true });

const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
const packGoalKb = 120;
const packKb = pack.size / 1024;

const ms = (value) => `${value.toFixed(0)} ms`;
console.log(`medians of ${runs} paired runs; ratio = median of per-pair ratios`);
console.log(`${'figure'.padEnd(34)} ${'own'.padStart(8)} ${'reference'.padStart(10)}  ${'ratio'.padStart(6)}  goal    reference`);
for (const r of rows) {
  const verdict = r.ratio <= r.goal ? 'ok' : 'OVER';
  console.log(
    `${r.figure.padEnd(34)} ${ms(r.own).padStart(8)} ${ms(r.ref).padStart(10)}  ${r.ratio.toFixed(2).padStart(5)}x  <=${r.goal}x ${verdict.padEnd(4)} ${r.reference}`,
  );
}
console.log(
  `${'package (npm pack)'.padEnd(34)} ${`${packKb.toFixed(1)} kB`.padStart(8)} ${`${packGoalKb} kB`.padStart(10)}  ${(packKb / packGoalKb).toFixed(2).padStart(5)}x  <=1x   ${packKb <= packGoalKb ? 'ok  ' : 'OVER'} ${pack.entryCount} files, ${(pack.unpackedSize / 1024).toFixed(0)} kB unpacked`,
);
