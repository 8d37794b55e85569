#!/usr/bin/env node
// Benchmark of the CLI's own work, without installing anything: each run of
//   create <dir> --services ... --yes --no-install --no-git --package-manager uv
// is paired with a bare `node -e 0` (Node's start-up) and with the same command in
// --dry-run (start-up + rendering the plan, no writes). Medians over RUNS pairs (default 9);
// the ratio is create / node, per pair. Then the size of the npm tarball.
//   npm run bench            RUNS=15 npm run bench
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

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: work, stdio: 'ignore', env: { ...process.env, CI: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function bench(label, services) {
  const node = [];
  const dry = [];
  const create = [];
  const ratios = [];
  let files = 0;
  for (let i = 0; i < runs; i++) {
    const target = `p${i}`;
    const args = (dir) => [bin, dir, '--services', services, '--yes', '--no-install', '--no-git', '--package-manager', 'uv'];
    // The order rotates so that no command always runs first (on a colder machine).
    const steps = [() => node.push(time(['-e', '0'])), () => dry.push(time([...args(`dry${i}`), '--dry-run'])), () => create.push(time(args(target)))];
    for (let k = 0; k < steps.length; k++) steps[(i + k) % steps.length]();
    ratios.push(create.at(-1) / node.at(-1));
    if (i === 0) files = execFileSync('find', [target, '-type', 'f'], { cwd: work, encoding: 'utf8' }).trim().split('\n').length;
    fs.rmSync(path.join(work, target), { recursive: true, force: true });
  }
  return { label, files, node: median(node), dry: median(dry), create: median(create), ratio: median(ratios) };
}

const names = (count) => Array.from({ length: count }, (_, i) => `svc${i + 1}`).join(',');
const rows = [bench('default (users,orders)', 'users,orders'), bench('10 services', names(10)), bench('50 services', names(50))];
fs.rmSync(work, { recursive: true, force: true });

const ms = (value) => `${value.toFixed(0)}ms`.padStart(8);
console.log(`medians of ${runs} runs; render = dry-run - node, write = create - dry-run`);
console.log(`${'project'.padEnd(24)}  files  node -e 0  dry-run   create   render    write   create/node`);
for (const row of rows) {
  console.log(
    `${row.label.padEnd(24)} ${String(row.files).padStart(6)} ${ms(row.node)} ${ms(row.dry)} ${ms(row.create)} ${ms(row.dry - row.node)} ${ms(row.create - row.dry)}   ${row.ratio.toFixed(2)}x`,
  );
}

const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
console.log(`npm pack: ${(pack.size / 1024).toFixed(1)} kB tarball, ${(pack.unpackedSize / 1024).toFixed(1)} kB unpacked, ${pack.entryCount} files`);
