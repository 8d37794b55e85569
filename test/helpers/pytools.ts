import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

/**
 * A virtual environment with the checking tools the end-to-end tests run against generated
 * projects (schemathesis, bandit): made once per machine and reused.
 */
export async function pythonTools(): Promise<{ bin: (tool: string) => string }> {
  const dir = path.join(os.tmpdir(), 'clb-pytools-v1');
  const bin = (tool: string) => path.join(dir, 'bin', tool);
  if (!fs.existsSync(bin('st')) || !fs.existsSync(bin('bandit'))) {
    await execa('uv', ['venv', '--quiet', '--allow-existing', dir]);
    await execa('uv', ['pip', 'install', '--quiet', '--python', bin('python'), 'schemathesis>=4.3,<5', 'bandit>=1.8']);
  }
  return { bin };
}

/**
 * check-jsonschema, with its vendored schemas (GitHub workflows, dependabot): validates
 * offline. Made once per machine and reused.
 */
export async function checkJsonschema(): Promise<string> {
  const dir = path.join(os.tmpdir(), 'clb-citools-v1');
  const bin = path.join(dir, 'bin', 'check-jsonschema');
  if (!fs.existsSync(bin)) {
    await execa('uv', ['venv', '--quiet', '--allow-existing', dir]);
    await execa('uv', ['pip', 'install', '--quiet', '--python', path.join(dir, 'bin', 'python'), 'check-jsonschema>=0.33,<1']);
  }
  return bin;
}
