// What every figure module of `npm run bench` shares (see scripts/bench.mjs): running a command
// and timing it, and pairing a measure with its reference, alternating which goes first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = path.join(root, 'bin/create-layered-backend.js');
/** Pairs per figure: RUNS=15 npm run bench. */
export const runs = Number(process.env.RUNS ?? 9);

/** A scratch directory for one module, removed by `done()`. */
export function scratch(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `clb-bench-${name}-`));
  return { dir, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Milliseconds `file args` took; a failure stops the bench (a figure of a failed run means nothing). */
export function time(file, args, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { cwd, stdio: 'ignore', env: { ...process.env, CI: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.status}`);
  return ms;
}
export const node = (args, cwd) => time(process.execPath, args, cwd);
/** The reference of every start-up figure: node starting and doing nothing. */
export const nodeStart = (cwd) => node(['-e', '0'], cwd);

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Runs `measure(i)` and `reference(i)` RUNS times each, alternating which goes first (so that
 * neither always meets a colder machine); returns both medians and the median per-pair ratio.
 */
export function paired(measure, reference) {
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

/**
 * One row of the table. `own` and `ref` are shown with `unit`; `ratio` is own / ref, and the
 * figure meets its goal when ratio <= goal (or >= goal with `higherIsBetter`).
 */
export const figure = ({ name, own, ref, ratio, goal, reference, unit = 'ms', higherIsBetter = false, note = '' }) => ({
  name,
  own,
  ref,
  ratio,
  goal,
  reference,
  unit,
  higherIsBetter,
  note,
});
