/**
 * Checks of the machine and the Python environments: the tools installing needs, each
 * environment present and in sync with its pyproject (and uv.lock), migrations at head.
 */
import path from 'node:path';
import { installTools, findOnPath, INSTALL_HINTS } from '../steps/tools.js';
import { hasServer } from '../databases.js';
import { firstError, lastLine, runTool } from './exec.js';
import { reachable, serviceDatabase } from './runtime-checks.js';
import { exists, ok, presentServices, problem, skipped, serviceDir, type Check, type CheckResult, type DoctorProject } from './types.js';

/** Oldest Python the generated projects support (their `requires-python`). */
const MIN_PYTHON: [number, number] = [3, 11];

const versionOf = (output: string): string => /(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1] ?? 'unknown version';

async function toolResult(tool: string): Promise<CheckResult> {
  const found = findOnPath(tool);
  if (!found) return problem('tools', `${tool} not found on PATH`, INSTALL_HINTS[tool] ?? `install ${tool}`);
  const run = await runTool(found, ['--version'], process.cwd());
  if (run.exitCode !== 0) return problem('tools', `${tool} (${found}) does not run: ${lastLine(run.output)}`, INSTALL_HINTS[tool] ?? `reinstall ${tool}`);
  const version = versionOf(run.output);
  if (tool === 'python3') {
    const [major, minor] = version.split('.').map(Number);
    if (major! < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor! < MIN_PYTHON[1])) {
      return problem('tools', `python3 is ${version}; the services need ${MIN_PYTHON.join('.')} or newer`, INSTALL_HINTS.python3!);
    }
  }
  return ok('tools', `${tool} ${version}`);
}

export const TOOLS_CHECK: Check = {
  id: 'tools',
  title: 'tools installing and testing need',
  async run({ manifest }) {
    const needed = [...new Set([...installTools(manifest.packageManager), 'python3', 'git'])];
    const results = await Promise.all(needed.map(toolResult));
    // Only docker compose and image builds need Docker: its absence is said, not a problem.
    const docker = findOnPath('docker') ?? findOnPath('docker-compose');
    results.push(docker ? ok('tools', `docker: ${docker}`) : skipped('tools', 'docker not found: docker compose and make images will not run'));
    return results;
  },
};

/** The project's environments: the root one (tests, linters of libs/), then one per service. */
const environments = (project: DoctorProject) => [
  { dir: '.', service: undefined, install: 'make install-root' },
  ...presentServices(project).map((service) => ({ dir: serviceDir(service.name), service: service.name, install: `make install-service-${service.name}` })),
];

/**
 * Compares a pip environment with its pyproject: every dependency (and the dev group) is
 * installed in a version its specifier accepts. Prints one line per gap.
 */
const PIP_SYNC_SCRIPT = `
import importlib.metadata as md, re, sys, tomllib
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
data = tomllib.load(open("pyproject.toml", "rb"))
wanted = list(data.get("project", {}).get("dependencies", []))
wanted += [r for r in data.get("dependency-groups", {}).get("dev", []) if isinstance(r, str)]
for text in wanted:
    req = Requirement(text)
    if req.marker and not req.marker.evaluate():
        continue
    try:
        version = md.version(req.name)
    except md.PackageNotFoundError:
        print(f"{req.name} is not installed"); continue
    if req.specifier and not req.specifier.contains(version, prereleases=True):
        print(f"{req.name} {version} does not match {req.specifier}")
`;

async function syncResult(root: string, manager: string, env: { dir: string; service: string | undefined; install: string }): Promise<CheckResult> {
  const cwd = path.join(root, env.dir);
  const label = env.dir === '.' ? 'root environment' : `${env.dir}: environment`;
  const run =
    manager === 'uv'
      ? // Each environment is the one of its folder, as `make install` syncs it: the services
        // are members of the root's uv workspace, which would otherwise share one.
        await runTool('uv', ['sync', '--locked', '--check', '--quiet'], cwd, { UV_NO_PROGRESS: '1', UV_PROJECT_ENVIRONMENT: path.join(cwd, '.venv') })
      : await runTool(path.join(cwd, '.venv/bin/python'), ['-c', PIP_SYNC_SCRIPT], cwd);
  const gaps = manager === 'uv' ? (run.exitCode === 0 ? '' : firstError(run.output)) : run.exitCode === 0 ? run.output.trim().split('\n').join('; ') : lastLine(run.output);
  if (run.failedToRun) return skipped('sync', `${label} not compared: ${lastLine(run.output)}`, env.service);
  if (!gaps) return ok('sync', `${label} in sync with its pyproject`, env.service);
  return problem('sync', `${label} out of sync with its pyproject${manager === 'uv' ? '/uv.lock' : ''} (${gaps})`, `run \`${env.install}\``, env.service);
}

const environmentChecks: Check = {
  id: 'environment',
  title: 'environments installed and in sync',
  async run(project) {
    const pending: Array<Promise<CheckResult>> = [];
    for (const env of environments(project)) {
      const label = env.dir === '.' ? 'root environment' : `${env.dir}: environment`;
      if (!exists(project.root, `${env.dir}/.venv`)) {
        pending.push(Promise.resolve(problem('environment', `${label} missing`, `run \`make install\` (or \`${env.install}\`)`, env.service)));
      } else {
        pending.push(syncResult(project.root, project.manifest.packageManager, env));
      }
    }
    return Promise.all(pending);
  },
};

/** `alembic check` in the service's environment: the database at head, the models migrated. */
async function migrationResult(project: DoctorProject, service: DoctorProject['manifest']['services'][number]): Promise<CheckResult> {
  const dir = serviceDir(service.name);
  const alembic = path.join(project.root, dir, '.venv/bin/alembic');
  if (!exists(project.root, `${dir}/.venv/bin/alembic`)) return skipped('migrations', `${dir}: not checked (environment not installed)`, service.name);
  const database = serviceDatabase(project.root, service);
  if ('problem' in database) return skipped('migrations', `${dir}: not checked (${database.problem})`, service.name);
  if (hasServer(service.db)) {
    if (!(await reachable(database.host!, database.port!))) return skipped('migrations', `${dir}: not checked (database unreachable)`, service.name);
  } else if (!exists(path.join(project.root, dir), database.file!)) {
    // Connecting would create the file: a read-only check leaves it to `make migrate`.
    return skipped('migrations', `${dir}: database not created yet (make migrate or make run creates it)`, service.name);
  }
  const run = await runTool(alembic, ['check'], path.join(project.root, dir));
  if (run.exitCode === 0) return ok('migrations', `${dir}: migrations at head`, service.name);
  const text = run.output;
  if (/not up to date/i.test(text)) return problem('migrations', `${dir}: migrations pending`, `run \`make migrate-service-${service.name}\``, service.name);
  if (/New upgrade operations detected/i.test(text)) {
    return problem('migrations', `${dir}: models changed without a migration`, `cd ${dir} && .venv/bin/alembic revision --autogenerate -m "..."`, service.name);
  }
  return problem('migrations', `${dir}: alembic check failed: ${lastLine(text)}`, `cd ${dir} && .venv/bin/alembic check`, service.name);
}

const migrations: Check = {
  id: 'migrations',
  title: 'migrations at head',
  run: (project) => Promise.all(presentServices(project).map((service) => migrationResult(project, service))),
};

/** The project's environments and migrations (the machine's tools are TOOLS_CHECK). */
export const ENVIRONMENT_CHECKS: readonly Check[] = [environmentChecks, migrations];
