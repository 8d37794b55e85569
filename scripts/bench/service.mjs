// The generated service's request path against a one-file app (scripts/bench/one_file_*.py):
// the same table, queries and Pydantic output, without the layers, middlewares and error
// handling. For each framework it generates a one-service project on SQLite, installs it,
// starts the service and the one-file app (uvicorn, one worker each, from the service's
// environment), seeds 100 rows, then loads both ALTERNATELY with wrk and reports the median of
// per-round ratios (service / one-file, requests per second) beside the goal.
// Beside it, the ratio of CPU time per request (one-file / service, read from /proc for each
// server and its threads): on a machine shared with other work, a server's throughput
// follows the CPU it is given, but the CPU it spends on a request hardly does, so this
// column is the steadier of the two. The databases live on tmpfs (/dev/shm) when there is
// one, so that fsync and other processes' disk traffic do not weigh on the POST figures.
// Exports serviceRows() for service.figures.mjs, which `npm run bench` prints:
//   npm run bench:service          (the same as: npm run build && node scripts/bench.mjs service)
//   SERVICE_RUNS=7 SECONDS=5 FRAMEWORKS=fastapi npm run bench:service
// Needs uv and wrk (Debian: apt-get install wrk).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { bin, median, root } from './harness.mjs';

/** Alternating rounds per figure: each is a wrk run of SECONDS on both servers. */
export const serviceRuns = Number(process.env.SERVICE_RUNS ?? 5);
export const seconds = Number(process.env.SECONDS ?? 3);
export const connections = Number(process.env.CONNECTIONS ?? 32);
const frameworks = (process.env.FRAMEWORKS ?? 'fastapi,litestar').split(',');
export const GOAL = 0.9;
// Telemetry configured with no exporter must cost next to nothing: within the noise of wrk.
export const TELEMETRY_GOAL = 0.95;

const freePort = () =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function waitFor(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer`);
}

function start(work, name, command, args, options) {
  const log = fs.openSync(path.join(work, `${name}.log`), 'a');
  return spawn(command, args, { ...options, stdio: ['ignore', log, log] });
}

/** CPU time (user + system, in clock ticks) a process and its threads have used, or NaN
 * where /proc is missing. */
function cpuTicks(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return Number.NaN;
  }
}

/** One wrk run against the server `pid`: requests per second and CPU ticks per request.
 * Any error or non-2xx answer fails the bench. A generous timeout: on a busy machine a
 * slow answer is a slow answer, not an error. */
function wrk(pid, url, script, prefix) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', ...(script ? ['-s', script] : []), url, ...(script ? ['--', prefix] : [])];
  const before = cpuTicks(pid);
  const out = execFileSync('wrk', args, { encoding: 'utf8' });
  const ticks = cpuTicks(pid) - before;
  if (/Non-2xx|Socket errors/.test(out)) throw new Error(`wrk ${url}: errors\n${out}`);
  const requests = Number(/(\d+) requests in/.exec(out)[1]);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]), cpu: ticks / requests };
}

async function benchFramework(framework, work, dbDir) {
  const project = path.join(work, framework);
  execFileSync(process.execPath, [bin, project, '--services', 'users', '--framework', framework, '--yes', '--no-test', '--no-git', '--package-manager', 'uv'], {
    stdio: 'ignore',
    env: { ...process.env, CI: '1' },
  });
  const service = path.join(project, 'services/users');
  const python = path.join(service, '.venv/bin/python');
  const [servicePort, onePort] = [await freePort(), await freePort()];
  const serviceDb = path.join(dbDir, `${framework}-service.db`);
  const oneDb = path.join(dbDir, `${framework}-one.db`);
  const env = { ...process.env, USERS_DATABASE_URL: `sqlite+aiosqlite:///${serviceDb}`, USERS_PORT: String(servicePort) };
  execFileSync(python, ['-m', 'alembic', 'upgrade', 'head'], { cwd: service, env, stdio: 'ignore' });
  const processes = [start(work, `${framework}-service`, python, ['-m', 'app.cmd.api.main'], { cwd: service, env })];
  try {
    const serviceUrl = `http://127.0.0.1:${servicePort}/api/v1/users`;
    await waitFor(`http://127.0.0.1:${servicePort}/health`);
    for (let i = 1; i <= 100; i++) {
      const response = await fetch(serviceUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `seed-${i}` }) });
      if (response.status !== 201) throw new Error(`seeding: ${response.status}`);
    }
    fs.copyFileSync(serviceDb, oneDb);
    const oneModule = `one_file_${framework}`;
    processes.push(
      start(work, `${framework}-one-file`, python, ['-m', 'uvicorn', `${oneModule}:app`, '--app-dir', path.join(root, 'scripts/bench'), '--port', String(onePort), '--no-access-log', '--log-level', 'warning'], {
        cwd: service,
        env: { ...process.env, DATABASE_URL: `sqlite+aiosqlite:///${oneDb}` },
      }),
    );
    const oneUrl = `http://127.0.0.1:${onePort}/api/v1/users`;
    await waitFor(`${oneUrl}/1`);
    const post = path.join(root, 'scripts/bench/post.lua');
    const cases = [
      ['GET by id', (pid, url) => wrk(pid, `${url}/42`)],
      ['list', (pid, url) => wrk(pid, `${url}?limit=20`)],
      ['POST', (pid, url, round, who) => wrk(pid, url, post, `${who}-${round}`)],
    ];
    // The same service with the OpenTelemetry SDK switched off: the reference of what
    // telemetry costs when no exporter is configured (the default), which should be nothing.
    const offPort = await freePort();
    const offDb = path.join(dbDir, `${framework}-otel-off.db`);
    fs.copyFileSync(serviceDb, offDb);
    processes.push(
      start(work, `${framework}-otel-off`, python, ['-m', 'app.cmd.api.main'], {
        cwd: service,
        env: { ...env, USERS_DATABASE_URL: `sqlite+aiosqlite:///${offDb}`, USERS_PORT: String(offPort), OTEL_SDK_DISABLED: 'true' },
      }),
    );
    const offUrl = `http://127.0.0.1:${offPort}/api/v1/users`;
    await waitFor(`http://127.0.0.1:${offPort}/health`);
    const [servicePid, onePid, offPid] = processes.map((child) => child.pid);
    const compare = (label, load, reference, goal, telemetry = false) => {
      const ratios = [];
      const cpuRatios = [];
      const own = [];
      const ref = [];
      for (let round = 0; round < serviceRuns; round++) {
        const pair = [() => own.push(load(servicePid, serviceUrl, round, 'service')), () => ref.push(load(reference.pid, reference.url, round, reference.who))];
        if (round % 2) pair.reverse();
        for (const step of pair) step();
        ratios.push(own.at(-1).rps / ref.at(-1).rps);
        cpuRatios.push(ref.at(-1).cpu / own.at(-1).cpu);
      }
      return {
        label: `${framework}, ${label}`,
        own: median(own.map((run) => run.rps)),
        ref: median(ref.map((run) => run.rps)),
        ratio: median(ratios),
        cpuRatio: median(cpuRatios),
        goal,
        telemetry,
      };
    };
    const oneFile = { pid: onePid, url: oneUrl, who: 'one' };
    const rows = cases.map(([label, load]) => compare(label, load, oneFile, GOAL));
    rows.push(compare('GET, telemetry unused', cases[0][1], { pid: offPid, url: offUrl, who: 'off' }, TELEMETRY_GOAL, true));
    return rows;
  } finally {
    for (const child of processes) child.kill('SIGTERM');
  }
}

/**
 * Every figure of every framework (FRAMEWORKS, default both): rows of `label`, `own` and
 * `ref` (requests per second, medians), `ratio` (median of per-round ratios), `cpuRatio`
 * (one-file / service, CPU time per request), `goal` and `telemetry` (the row compares the
 * service with itself, telemetry switched off).
 */
export async function serviceRows() {
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed (Debian: apt-get install wrk)');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-bench-service-'));
  const dbDir = fs.existsSync('/dev/shm') ? fs.mkdtempSync('/dev/shm/clb-bench-service-') : work;
  const rows = [];
  try {
    for (const framework of frameworks) rows.push(...(await benchFramework(framework, work, dbDir)));
  } finally {
    // The servers were sent SIGTERM: a moment for them to let go of their files.
    await new Promise((resolve) => setTimeout(resolve, 500));
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(dbDir, { recursive: true, force: true });
  }
  return rows;
}
