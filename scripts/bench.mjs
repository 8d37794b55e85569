#!/usr/bin/env node
// Benchmarks as ratios against references measured in the same run, so that a busy or a fast
// machine gives comparable figures: each figure runs RUNS times (default 9) with its reference,
// alternating, and reports the median of per-pair ratios beside its goal.
//   npm run bench                 every figure module
//   npm run bench -- cli          only the modules whose name contains "cli"
//   RUNS=15 npm run bench
//
// A figure module is scripts/bench/<name>.figures.mjs; it exports `title` and
// `async figures()`, which returns rows made with `figure()` of scripts/bench/harness.mjs.
// Adding a module is adding a file: this script finds them all.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, runs } from './bench/harness.mjs';

const SUFFIX = '.figures.mjs';
const dir = path.join(root, 'scripts/bench');
const wanted = process.argv.slice(2);
const modules = fs
  .readdirSync(dir)
  .filter((file) => file.endsWith(SUFFIX))
  .sort()
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.includes(name)));

const format = (value, unit) => (unit === 'kB' || unit === 's' ? `${value.toFixed(1)} ${unit}` : `${value.toFixed(0)} ${unit}`);
const meets = (row) => (row.higherIsBetter ? row.ratio >= row.goal : row.ratio <= row.goal);

console.log(`medians of ${runs} paired runs; ratio = median of per-pair ratios`);
for (const file of modules) {
  const module = await import(pathToFileURL(path.join(dir, file)).href);
  const rows = await module.figures();
  console.log(`\n${module.title ?? file}`);
  console.log(`${'figure'.padEnd(34)} ${'own'.padStart(9)} ${'reference'.padStart(10)}  ${'ratio'.padStart(6)}  ${'goal'.padEnd(7)}      reference`);
  for (const row of rows) {
    const goal = `${row.higherIsBetter ? '>=' : '<='}${row.goal}x`;
    console.log(
      `${row.name.padEnd(34)} ${format(row.own, row.unit).padStart(9)} ${format(row.ref, row.unit).padStart(10)}  ${row.ratio.toFixed(2).padStart(5)}x  ${goal.padEnd(7)} ${(meets(row) ? 'ok' : row.higherIsBetter ? 'UNDER' : 'OVER').padEnd(5)} ${row.reference}${row.note ? ` (${row.note})` : ''}`,
    );
  }
}
