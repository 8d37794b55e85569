/**
 * The check registry of `doctor`: each check reads the project (never writes to it) and
 * returns one result per thing it looked at. A problem carries the command or edit that fixes it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../manifest.js';

export type CheckStatus = 'ok' | 'problem' | 'skipped';

export interface CheckResult {
  id: string;
  /** The service the result is about, when it is about one. */
  service?: string;
  status: CheckStatus;
  message: string;
  fix?: string;
}

/** What every check reads: the project root and its (valid) manifest. */
export interface DoctorProject {
  root: string;
  manifest: Manifest;
}

export interface Check {
  id: string;
  title: string;
  run(project: DoctorProject): Promise<CheckResult[]> | CheckResult[];
}

/** A file of the project, or undefined when it is not there (or not readable). */
export function readProjectFile(root: string, file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(root, file), 'utf8');
  } catch {
    return undefined;
  }
}

export const exists = (root: string, file: string): boolean => fs.existsSync(path.join(root, file));

export const serviceDir = (name: string): string => `services/${name}`;

/** Services of the manifest whose folder is there: the others get one problem, from the layout check. */
export const presentServices = (project: DoctorProject) =>
  project.manifest.services.filter((service) => exists(project.root, serviceDir(service.name)));

/** `KEY=value` lines of a dotenv file, as a map (comments and blank lines skipped). */
export function parseDotenv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (match) values.set(match[1]!, match[2]!.trim().replace(/^(['"])(.*)\1$/, '$2'));
  }
  return values;
}

export const ok = (id: string, message: string, service?: string): CheckResult => ({ id, ...(service ? { service } : {}), status: 'ok', message });
export const skipped = (id: string, message: string, service?: string): CheckResult => ({
  id,
  ...(service ? { service } : {}),
  status: 'skipped',
  message,
});
export const problem = (id: string, message: string, fix: string, service?: string): CheckResult => ({
  id,
  ...(service ? { service } : {}),
  status: 'problem',
  message,
  fix,
});
