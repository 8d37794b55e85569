/**
 * Random bytes for secrets (keys, database passwords) and unique names, from the operating
 * system's cryptographically secure generator.
 *
 * Where there is a /dev/urandom (Linux, macOS, the BSDs) it is read directly: it is the
 * generator node:crypto's randomBytes draws from too, and reading it spares a run loading
 * node:crypto (~3 ms, a twentieth of node's own start), which a create needs for nothing else.
 * Elsewhere (Windows), or if the device cannot be read, node:crypto gives the bytes.
 */
import fs from 'node:fs';
import { randomBytes as cryptoRandomBytes } from 'node:crypto';

const DEVICE = '/dev/urandom';
/** The device's descriptor, opened on first use and kept for the process; null: not usable. */
let device: number | null | undefined;

function openDevice(): number | null {
  if (process.platform === 'win32') return null;
  try {
    return fs.openSync(DEVICE, 'r');
  } catch {
    return null;
  }
}

export function randomBytes(size: number): Buffer {
  device ??= openDevice();
  if (device !== null) {
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    try {
      while (filled < size) {
        const read = fs.readSync(device, bytes, filled, size - filled, null);
        if (read <= 0) break;
        filled += read;
      }
    } catch {
      filled = -1;
    }
    if (filled === size) return bytes;
    device = null;
  }
  return cryptoRandomBytes(size);
}
