/** The real store and importer in-process, on a fresh SQLite file per test: faster than the CLI, same code. */
import type { Boot } from '../../src/model/boot.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ImportOptions, type ImportResult, importFile } from '../../src/app/import-files.js';
import { stateAt } from '../../src/app/state-at.js';
import type { EventRecord } from '../../src/model/event.js';
import { parseTime } from '../../src/model/time.js';
import { type Store, openStore } from '../../src/store/db.js';
import { listBoots, readEvents } from '../../src/store/read.js';

export interface TestStore {
  readonly store: Store;
  readonly dir: string;
  import(path: string, opts?: ImportOptions): Promise<Extract<ImportResult, { kind: 'imported' }>>;
  /** Writes `text` to a file in the test's directory and imports it. */
  importText(name: string, text: string, opts?: ImportOptions): Promise<Extract<ImportResult, { kind: 'imported' }>>;
  boots(): Boot[];
  events(boot: string): EventRecord[];
  virt(boot: string, at: string): Record<number, string>;
  online(boot: string, at: string): Record<number, boolean | null>;
  close(): Promise<void>;
}

export async function testStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'kvmlog-store-'));
  const store = await openStore(join(dir, 'kvmlog.db'));
  const boot = (id: string) => listBoots(store).find((b) => b.id === id)!;
  const at = (id: string, t: string) => stateAt(store, boot(id), parseTime(t)!);
  const self: TestStore = {
    store,
    dir,
    async import(path, opts = {}) {
      const r = await importFile(store, path, opts);
      if (r.kind !== 'imported') throw new Error(`${path}: already imported`);
      return r;
    },
    async importText(name, text, opts = {}) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return self.import(path, opts);
    },
    boots: () => listBoots(store),
    events: (id) => [...readEvents(store, { boot: id })],
    virt: (id, t) => {
      const s = at(id, t);
      return Object.fromEntries(s.cpus.map((c) => [c, s.state.cpus.get(c)?.virt ?? 'unknown']));
    },
    online: (id, t) => {
      const s = at(id, t);
      return Object.fromEntries(s.cpus.map((c) => [c, s.state.cpus.get(c)?.online ?? null]));
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}
