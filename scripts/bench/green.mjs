#!/usr/bin/env node
// Create to green: from `create` of the default project (SQLite, the default framework) to
// "Tests passed", with uv and with pip, a warm package cache (one unmeasured run of each
// first). Prints the seconds of each beside its goal, with the phases the CLI reports
// (resolve, sync, tests) and the CPU seconds of the whole tree of processes, which a busy
// machine inflates less than the wall clock.
//   node scripts/bench/green.mjs                 RUNS=3 node scripts/bench/green.mjs
//   MANAGERS=uv node scripts/bench/green.mjs     CLB_BIN=/other/bin/create-layered-backend.js ...
// Exports greenFigures() for scripts/bench.mjs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Goals of the issue, in seconds, with a warm cache on the reference machine. */
export const GREEN_GOALS = { uv: 10, pip: 30 };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** `Phases: resolve 1.7 s, sync 2.0 s, tests 5.1 s; total 9.9 s`, as the CLI prints it. */
export function parsePhases(output) {
  const match = /Phases: (.*); total ([\d.]+) s/.exec(output);
  if (!match) return {};
  return Object.fromEntries(match[1].split(', ').map((part) => part.split(' ')).map(([name, seconds]) => [name, Number(seconds)]));
}

const hasGnuTime = fs.existsSync('/usr/bin/time');

/** One create to green: wall seconds, CPU seconds (when /usr/bin/time is there), phases. */
function createToGreen(bin, packageManager, work, name) {
  const args = [bin, name, '--yes', '--no-git', '--package-manager', packageManager];
  const cpuFile = path.join(work, `${name}.cpu`);
  const [file, fileArgs] = hasGnuTime ? ['/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args]] : [process.execPath, args];
  const start = process.hrtime.bigint();
  const result = spawnSync(file, fileArgs, { cwd: work, encoding: 'utf8', env: { ...process.env, CI: '1', NO_COLOR: '1' }, maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0 || !/Tests passed/.test(output)) throw new Error(`create with ${packageManager} did not reach green (exit ${result.status}):\n${output.slice(-3000)}`);
  const [user, system] = hasGnuTime ? fs.readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number) : [];
  fs.rmSync(path.join(work, name), { recursive: true, force: true });
  return { seconds, cpu: user === undefined ? undefined : user + system, user, system, phases: parsePhases(output) };
}

/**
 * Measure each package manager `runs` times after a warm-up run; medians of each figure.
 * `bin` defaults to this checkout's CLI (build it first: npm run build).
 */
export function greenFigures({ runs = 1, managers = ['uv', 'pip'], bin = path.join(root, 'bin/create-layered-backend.js'), log = () => {} } = {}) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-green-'));
  try {
    return managers.map((packageManager) => {
      log(`${packageManager}: warm-up run`);
      createToGreen(bin, packageManager, work, `warm-${packageManager}`);
      const samples = [];
      for (let i = 0; i < runs; i++) {
        log(`${packageManager}: run ${i + 1} of ${runs}`);
        samples.push(createToGreen(bin, packageManager, work, `${packageManager}-${i}`));
      }
      const phaseNames = [...new Set(samples.flatMap((sample) => Object.keys(sample.phases)))];
      return {
        figure: `create to green, ${packageManager}`,
        seconds: median(samples.map((sample) => sample.seconds)),
        cpu: samples[0].cpu === undefined ? undefined : median(samples.map((sample) => sample.cpu)),
        // The kernel's share varies most between machines and over a session (file creation,
        // page cache reclaim): user CPU is the steadier measure of the project's own work.
        user: samples[0].user === undefined ? undefined : median(samples.map((sample) => sample.user)),
        system: samples[0].system === undefined ? undefined : median(samples.map((sample) => sample.system)),
        phases: Object.fromEntries(phaseNames.map((phase) => [phase, median(samples.map((sample) => sample.phases[phase] ?? 0))])),
        goal: GREEN_GOALS[packageManager],
        runs,
      };
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The rows as text, one per package manager. */
export function formatGreen(rows) {
  const lines = [`${'figure'.padEnd(24)} ${'seconds'.padStart(8)}  goal    ${'cpu s'.padStart(6)} ${'user'.padStart(6)} ${'sys'.padStart(6)}  phases`];
  for (const r of rows) {
    const verdict = r.seconds <= r.goal ? 'ok  ' : 'OVER';
    const phases = Object.entries(r.phases)
      .map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)}`)
      .join(', ');
    const [cpu, user, system] = [r.cpu, r.user, r.system].map((value) => (value === undefined ? '-' : value.toFixed(1)).padStart(6));
    lines.push(`${r.figure.padEnd(24)} ${r.seconds.toFixed(1).padStart(8)}  <=${String(r.goal).padEnd(3)} ${verdict} ${cpu} ${user} ${system}  ${phases}`);
  }
  lines.push(`load average at the end: ${os.loadavg().map((load) => load.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = greenFigures({
    runs: Number(process.env.RUNS ?? 1),
    managers: (process.env.MANAGERS ?? 'uv,pip').split(','),
    bin: process.env.CLB_BIN ? path.resolve(process.env.CLB_BIN) : undefined,
    log: (message) => process.stderr.write(`${message}\n`),
  });
  console.log(formatGreen(rows));
}
