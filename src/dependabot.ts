/**
 * .github/dependabot.yml, built as data: weekly update proposals for each service's Python
 * dependencies and Dockerfile, the root pyproject.toml and the workflow's actions.
 * `add-service` appends the new service's entries with a comment-preserving YAML edit.
 */
import { isMap, isSeq, parseDocument } from 'yaml';
import type { EditResult } from './edits.js';
import type { PackageManager } from './options.js';
import { yamlText } from './yaml-text.js';

export const DEPENDABOT_FILE = '.github/dependabot.yml';

type Update = Record<string, unknown>;

const WEEKLY = { interval: 'weekly' };

/**
 * The OpenTelemetry packages are pinned as one set (see src/catalog.ts): a pull request per
 * package would propose versions that do not go together, so they are updated in one.
 */
const PYTHON_GROUPS = { opentelemetry: { patterns: ['opentelemetry-*'] } };

/** Dependabot's name of a project's Python package manager (uv updates uv.lock too). */
const pythonEcosystem = (packageManager: PackageManager): string => (packageManager === 'uv' ? 'uv' : 'pip');

/**
 * The entries of one service: its Dockerfile's base image and, with pip, its Python
 * dependencies. With uv the services are members of the root workspace, resolved in the one
 * uv.lock: the root entry updates them all, together.
 */
function serviceUpdates(name: string, packageManager: PackageManager): Update[] {
  const directory = `/services/${name}`;
  const python = packageManager === 'uv' ? [] : [{ 'package-ecosystem': pythonEcosystem(packageManager), directory, schedule: WEEKLY, groups: PYTHON_GROUPS }];
  return [...python, { 'package-ecosystem': 'docker', directory, schedule: WEEKLY }];
}

function dependabotData(packageManager: PackageManager, services: ReadonlyArray<{ name: string }>): Record<string, unknown> {
  return {
    version: 2,
    updates: [
      ...services.flatMap((service) => serviceUpdates(service.name, packageManager)),
      { 'package-ecosystem': pythonEcosystem(packageManager), directory: '/', schedule: WEEKLY, groups: PYTHON_GROUPS },
      { 'package-ecosystem': 'github-actions', directory: '/', schedule: WEEKLY },
    ],
  };
}

const HEADER = ` Weekly pull requests updating dependencies: the Python dependencies (with uv, of every
 service at once, in the root uv.lock), each service's Dockerfile and the actions of
 .github/workflows/.`;

const STRINGIFY = { lineWidth: 0, nullStr: '' } as const;

export function renderDependabot(project: { packageManager: PackageManager; services: ReadonlyArray<{ name: string }> }): string {
  // Written without the yaml library (src/yaml-text.ts): a new project's file is plain data.
  return yamlText(dependabotData(project.packageManager, project.services), { comment: HEADER, nullStr: STRINGIFY.nullStr });
}

/** Add a service's entries (those not already there) to the `updates` list, keeping the rest. */
export function addServiceToDependabot(
  text: string,
  name: string,
  packageManager: PackageManager,
): EditResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { ok: false, reason: `it is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})` };
  const updates = doc.get('updates', true);
  if (!isSeq(updates)) return { ok: false, reason: 'it has no "updates" list' };
  const directory = (item: unknown): string => (isMap(item) ? String(item.get('directory')).replace(/\/$/, '') : '');
  // After the other services' entries, so that the file stays grouped by service.
  const last = updates.items.map(directory).reduce((found, dir, index) => (dir.startsWith('/services/') ? index : found), -1);
  let at = last >= 0 ? last + 1 : updates.items.length;
  for (const entry of serviceUpdates(name, packageManager)) {
    const present = updates.items.some(
      (item) => isMap(item) && item.get('package-ecosystem') === entry['package-ecosystem'] && directory(item) === entry.directory,
    );
    if (!present) updates.items.splice(at++, 0, doc.createNode(entry, { aliasDuplicateObjects: false }));
  }
  return { ok: true, text: doc.toString(STRINGIFY) };
}
