/** The SHA-256 of an input: what names it in the store, and what its boots' ids and every chain link cover. */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { KvmlogError } from '../errors.js';

/** MiB hashed between two turns of the event loop, in which a parse thread's first questions are answered. */
const SLICE_MIB = 4;

/**
 * Blocking reads into one reused buffer (a fresh one per chunk costs the kernel's page faults: ingest/lines.ts),
 * not fs.promises: each of its reads is a hop to libuv's pool, whose thread must win a core from the parse thread
 * and V8's compilers before this thread goes on (docs/performance.md).
 */
export async function hashInput(path: string): Promise<string> {
  const h = createHash('sha256');
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let n = readSync(fd, buf, 0, buf.length, null), k = 1; n > 0; n = readSync(fd, buf, 0, buf.length, null), k++) {
        h.update(buf.subarray(0, n));
        if (k % SLICE_MIB === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new KvmlogError('input', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return h.digest('hex');
}
