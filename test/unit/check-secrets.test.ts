/**
 * scripts/check_secrets.py of generated projects (a pre-commit hook, standard library
 * only): a table of files it must refuse and files it must let through.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/cli.js';

const script = path.join(repoRoot, 'templates/project/scripts/check_secrets.py');
const dir = tempDir('secrets');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const KEY_BLOCK = (kind: string) => `-----BEGIN ${kind}PRIVATE KEY-----\nMIIB\n-----END ${kind}PRIVATE KEY-----\n`;

const REFUSED: Array<[string, string]> = [
  ['.env', 'A=1\n'],
  ['services/users/.env', 'USERS_SECRET_KEY=x\n'],
  ['.env.local', 'A=1\n'],
  ['.env.production', 'A=1\n'],
  ['id_rsa', 'x'],
  ['keys/id_ed25519', 'x'],
  ['tls/server.pem', 'x'],
  ['tls/server.key', 'x'],
  ['notes/rsa.txt', KEY_BLOCK('RSA ')],
  ['notes/plain.txt', KEY_BLOCK('')],
  ['deploy/ssh_config_backup', KEY_BLOCK('OPENSSH ')],
  ['notes/encrypted.txt', KEY_BLOCK('ENCRYPTED ')],
];
const ALLOWED: Array<[string, string]> = [
  ['.env.example', 'A=change-me\n'],
  ['services/users/.env.example', 'USERS_SECRET_KEY=change-me\n'],
  ['id_rsa.pub', 'ssh-ed25519 AAAA'],
  ['README.md', 'Put the key in .env (git-ignored).\n'],
  ['notes/public.txt', '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n'],
  ['scripts/check_secrets.py', fs.readFileSync(script, 'utf8')],
];

function check(file: string, content: string): { status: number; stderr: string } {
  const full = path.join(dir, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
  try {
    execFileSync('python3', [script, file], { cwd: dir, stdio: 'pipe' });
    return { status: 0, stderr: '' };
  } catch (error) {
    const failed = error as { status: number; stderr: Buffer };
    return { status: failed.status, stderr: failed.stderr.toString() };
  }
}

describe('check_secrets.py', () => {
  it.each(REFUSED)('refuses %s', (file, content) => {
    const result = check(file, content);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file}: `);
  });

  it.each(ALLOWED)('lets %s through', (file, content) => {
    expect(check(file, content).status).toBe(0);
  });
});
