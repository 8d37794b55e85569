/**
 * What is still running, read from /proc (Linux): the processes that belong to one directory
 * (working directory or command line inside it), and the TCP ports they listen on. Tests use
 * their own temporary directory, so they never see the processes of another test run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface ProcessInfo {
  pid: number;
  cwd: string;
  command: string;
}

function readOrEmpty(read: () => string): string {
  try {
    return read();
  } catch {
    return ''; // the process exited meanwhile, or is not ours to look at
  }
}

/** Every live process whose working directory or command line is inside `dir`. */
export function processesUnder(dir: string): ProcessInfo[] {
  const root = fs.realpathSync(dir);
  const found: ProcessInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const command = readOrEmpty(() => fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ').trim();
    const cwd = readOrEmpty(() => fs.readlinkSync(`/proc/${entry}/cwd`));
    const inside = cwd === root || cwd.startsWith(root + path.sep) || command.includes(root);
    if (inside && command) found.push({ pid: Number(entry), cwd, command });
  }
  return found;
}

/** Ports in the LISTEN state on this machine (IPv4 and IPv6), each with its socket inode. */
function listeningSockets(): Array<{ port: number; inode: string }> {
  const sockets: Array<{ port: number; inode: string }> = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = readOrEmpty(() => fs.readFileSync(table, 'utf8')).split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXADDR:HEXPORT; state 0A is LISTEN; field 9 is the inode.
      if (fields.length < 10 || fields[3] !== '0A') continue;
      sockets.push({ port: parseInt(fields[1]!.split(':').pop()!, 16), inode: fields[9]! });
    }
  }
  return sockets;
}

/** The ports that processes in `pids` listen on. */
export function portsListenedOnBy(pids: number[]): number[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    const fds = (() => {
      try {
        return fs.readdirSync(`/proc/${pid}/fd`);
      } catch {
        return [];
      }
    })();
    for (const fd of fds) {
      const match = /^socket:\[(\d+)\]$/.exec(readOrEmpty(() => fs.readlinkSync(`/proc/${pid}/fd/${fd}`)));
      if (match) inodes.add(match[1]!);
    }
  }
  return [...new Set(listeningSockets().filter((socket) => inodes.has(socket.inode)).map((socket) => socket.port))];
}

/** Which of `ports` something on this machine still listens on. */
export function stillListening(ports: number[]): number[] {
  const listening = new Set(listeningSockets().map((socket) => socket.port));
  return ports.filter((port) => listening.has(port));
}

/** Poll `probe` until it returns a value other than undefined, or `timeoutMs` passes. */
export async function pollFor<T>(probe: () => T | undefined, timeoutMs: number, intervalMs = 50): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await delay(intervalMs);
  }
}

/** Wait up to `timeoutMs` for every process under `dir` to exit; returns those left. */
export async function leftUnder(dir: string, timeoutMs: number): Promise<ProcessInfo[]> {
  const gone = await pollFor(() => (processesUnder(dir).length === 0 ? true : undefined), timeoutMs, 100);
  return gone ? [] : processesUnder(dir);
}

/** Kill every process under `dir`: a failed test must not leave its processes running. */
export function killAllUnder(dir: string): void {
  for (const { pid } of processesUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}
