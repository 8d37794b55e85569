#!/usr/bin/env node
// Benchmark: how long `create --yes --no-install --no-git` takes to render and write a
// project, against a bare `node -e 0` start, paired run by run; then the tarball size.
//   npm run bench              (RUNS=15 npm run bench for more runs)
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
  const baseline = [];
  const create = [];
  const ratios = [];
  let files = 0;
  for (let i = 0; i < runs; i++) {
    // Pairs alternate their order so neither side always runs on a warmer machine.
    const target = `p${label.replace(/\W/g, '')}${i}`;
    const args = [bin, target, '--services', services, '--yes', '--no-install', '--no-git'];
    let b;
    let c;
    if (i % 2 === 0) {
      b = time(['-e', '0']);
      c = time(args);
    } else {
      c = time(args);
      b = time(['-e', '0']);
    }
    baseline.push(b);
    create.push(c);
    ratios.push(c / b);
    if (i === 0) files = Number(execFileSync('find', [target, '-type', 'f'], { cwd: work, encoding: 'utf8' }).trim().split('\n').length);
    fs.rmSync(path.join(work, target), { recursive: true, force: true });
  }
  return { label, files, nodeMs: median(baseline), createMs: median(create), ratio: median(ratios), renderMs: median(create) - median(baseline) };
}

const names = (count) => Array.from({ length: count }, (_, i) => `svc${i + 1}`).join(',');
const rows = [bench('default (users,orders)', 'users,orders'), bench('10 services', names(10)), bench('50 services', names(50))];
fs.rmSync(work, { recursive: true, force: true });

console.log(`median of ${runs} paired runs (create --yes --no-install --no-git vs node -e 0)`);
console.log('project                   files  node -e 0   create   create-node  ratio');
for (const row of rows) {
  console.log(
    `${row.label.padEnd(24)} ${String(row.files).padStart(6)} ${row.nodeMs.toFixed(1).padStart(8)}ms ${row.createMs.toFixed(1).padStart(7)}ms ${row.renderMs.toFixed(1).padStart(9)}ms ${row.ratio.toFixed(2).padStart(6)}x`,
  );
}

const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
console.log(`npm pack: ${(pack.size / 1024).toFixed(1)} kB tarball, ${(pack.unpackedSize / 1024).toFixed(1)} kB unpacked, ${pack.entryCount} files`);
