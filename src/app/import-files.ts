/** `kvmlog import`: one input → one atomic append. */
import { constants, createWriteStream } from 'node:fs';
import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { KvmlogError } from '../errors.js';
import type { Format } from '../ingest/formats/registry.js';
import { type ImportSummary, importLines } from '../ingest/importer.js';
import { readLineBatches } from '../ingest/lines.js';
import type { ChainMode } from '../ingest/thread/protocol.js';
import { ParseThread } from '../ingest/thread/read-in-thread.js';
import { type ImportTransaction, WriteLock } from '../store/append.js';
import type { Store } from '../store/db.js';
import { rebuildProjections, updateProjections } from '../store/projections.js';
import { hasBoot, listBoots } from '../store/read.js';
import { hashInput } from './hash-input.js';

export interface ImportOptions {
  readonly format?: Format | undefined;
  readonly host?: string | undefined;
  readonly boot?: string | undefined;
  /** Any warning fails the import, which then appends nothing. */
  readonly strict?: boolean | undefined;
  /** Wall-clock time of kernel time 0, ns since the epoch (`--boot-time`). */
  readonly bootWallNs?: bigint | undefined;
  /** Hears bytes read of the total, as the import goes. */
  readonly onProgress?: ((bytes: number, total: number) => void) | undefined;
  /** Read and decode the input in a parse thread beside the store's inserts; by default, for inputs of 1 MiB or more. */
  readonly thread?: boolean | undefined;
  /** When the parse thread computes the rows' hash-chain links (ChainMode); adaptive by default. */
  readonly threadChain?: ChainMode | undefined;
}

/** Below this, starting a thread (50–100 ms measured here: a Node isolate, then the bundle) costs more than it saves. */
const THREAD_FROM_BYTES = 1 << 20;

export type ImportResult =
  | { readonly kind: 'imported'; readonly file: string; readonly summary: ImportSummary }
  | { readonly kind: 'already-imported'; readonly file: string; readonly previousPath: string; readonly importedAt: string };

export async function importFile(store: Store, file: string, opts: ImportOptions): Promise<ImportResult> {
  if (file !== '-') return importPath(store, file, file, opts);
  // stdin is spooled so that its content hash is known before the first event names its boot.
  const dir = await mkdtemp(join(tmpdir(), 'kvmlog-'));
  const spool = join(dir, 'stdin');
  try {
    await pipeline(process.stdin, createWriteStream(spool));
    return await importPath(store, spool, '-', opts);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function importPath(store: Store, path: string, shownAs: string, opts: ImportOptions): Promise<ImportResult> {
  const size = await checkReadable(path, shownAs);
  const reading = { format: opts.format, name: shownAs, attachTo: opts.boot, host: opts.host, bootWallNs: opts.bootWallNs };
  // Started first, the parse thread reads while this thread takes the write lock and hashes the input; its first
  // questions (is this boot stored already?) are answered meanwhile, so that it reads on rather than wait.
  const thread = (opts.thread ?? size >= THREAD_FROM_BYTES) ? ParseThread.start(path, reading, opts.threadChain) : null;
  let lock: WriteLock | null = null;
  let tx: ImportTransaction | null = null;
  try {
    lock = WriteLock.take(store);
    thread?.answerEarly(lock);
    const sha256 = await hashInput(path);
    const host = opts.host ?? (shownAs === '-' ? 'stdin' : basename(shownAs).replace(/\.[^.]*$/, ''));
    const begun = lock.record({ sha256, path: shownAs, format: opts.format ?? 'auto', host });
    if (begun.kind === 'already-imported') {
      thread?.cancel();
      return { kind: 'already-imported', file: shownAs, previousPath: begun.path, importedAt: begun.importedAt };
    }
    tx = begun.tx;
    if (opts.boot !== undefined) requireBoot(store, opts.boot);
    const erasBefore = new Map(listBoots(store).map((b) => [b.id, b.era]));
    const progress = opts.onProgress;
    const onBytes = progress && ((b: number) => progress(b, size));
    const input = thread !== null ? await thread.into(tx, onBytes, tx) : await importLines(readLineBatches(path, onBytes), tx, reading);
    const summary: ImportSummary = { ...input, ...tx.counts() };
    const first = summary.warnings[0];
    if (opts.strict && first !== undefined) {
      throw new KvmlogError(
        'input',
        `${shownAs}:${first.line}: ${first.message} (--strict: nothing imported; ${summary.warnings.length} warning(s) in all)`,
      );
    }
    // The boots this input added to get their projections brought up to date in the same transaction.
    const appended = tx.appended();
    for (const boot of listBoots(store).filter((b) => appended.has(b.id))) {
      // The era decides what events mean: when this input changed it, nothing projected before holds.
      const live = tx.liveProjection(boot.id);
      if (live !== undefined) {
        if (live !== null && live.era === boot.era) live.finish();
        else rebuildProjections(store, boot.id, boot.era);
      } else if (erasBefore.has(boot.id) && erasBefore.get(boot.id) !== boot.era) rebuildProjections(store, boot.id, boot.era);
      else updateProjections(store, boot.id, boot.era, appended.get(boot.id)!);
    }
    tx.commit(summary);
    return { kind: 'imported', file: shownAs, summary };
  } catch (e) {
    thread?.cancel();
    tx?.rollback();
    lock?.release();
    throw e;
  }
}

/** Every input readable, before the store is opened: a typo in the third path imports nothing of the first two. */
export async function checkInputs(files: readonly string[]): Promise<void> {
  for (const f of files) if (f !== '-') await checkReadable(f, f);
}

async function checkReadable(path: string, shownAs: string): Promise<number> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new KvmlogError('input', `${shownAs}: is a directory, not a trace file`);
    await access(path, constants.R_OK);
    return s.size;
  } catch (e) {
    if (e instanceof KvmlogError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new KvmlogError('input', `${shownAs}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code})`}`);
  }
}

function requireBoot(store: Store, boot: string): void {
  if (!hasBoot(store, boot)) throw new KvmlogError('not-found', `--boot ${boot}: no such boot in ${store.path} (give the full id from kvmlog boots)`);
}
