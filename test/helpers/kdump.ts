/**
 * The real 6.1 kdump-direct recording in a store (the trace before the crash and the console with the crash
 * path), and the same history without CPU 1's emergency disable, where kexec-with-virt-on fires for CPU 1.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, json, kvmlog, ndjson } from './cli.js';

export interface KdumpStores {
  readonly db: string;
  /** The boot that crashed (the other is the kdump kernel). */
  readonly crashed: string;
  readonly edited: string;
}

export async function kdumpStores(dir: string): Promise<KdumpStores> {
  const db = join(dir, 'kdump.db');
  await kvmlog(['import', '--db', db, fixture('linux-6.1-qemu', 'kdump-direct-ftrace-precrash.txt'), fixture('linux-6.1-qemu', 'console-kdump-direct.log')]);
  const crashed = (await json<{ id: string; kind: string }[]>(['boots', '--db', db])).find((b) => b.kind === 'normal')!.id;
  const events = await ndjson<{ type: string; cpu?: number }>(['events', '--db', db, '--boot', crashed]);
  const file = join(dir, 'without-cpu1-disable.ndjson');
  writeFileSync(file, `${events.filter((e) => !(e.type === 'virt.emergency_disable' && e.cpu === 1)).map((e) => JSON.stringify({ ...e, boot: 'edited' })).join('\n')}\n`);
  const edited = join(dir, 'edited.db');
  await kvmlog(['import', '--db', edited, file]);
  return { db, crashed, edited };
}
