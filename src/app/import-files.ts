/** `kvmlog import`: one input → one atomic append, through one import session. */
import { constants, createWriteStream } from 'node:fs';
import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { KvmlogError } from '../errors.js';
import { readInput } from '../import/read-input.js';
import type { ImportSummary, ReadOptions } from '../import/sink.js';
import type { ChainMode } from '../import/thread/protocol.js';
import { ParseThread } from '../import/thread/read-in-thread.js';
import type { Format } from '../ingest/formats/registry.js';
import { readLineBatches } from '../ingest/lines.js';
import type { Store } from '../store/db.js';
import { ImportSession } from '../store/import/session.js';
import { hasBoot } from '../store/read.js';
import { hashInput } from './hash-input.js';

/** What the user asked of an import (`kvmlog import`'s flags). */
export interface ImportRequest {
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

/** Below this, starting a thread (a Node isolate, then the bundle) costs more than it saves. */
const THREAD_FROM_BYTES = 1 << 20;

export type ImportResult =
  | { readonly kind: 'imported'; readonly file: string; readonly summary: ImportSummary }
  | { readonly kind: 'already-imported'; readonly file: string; readonly previousPath: string; readonly importedAt: string };

export async function importFile(store: Store, file: string, req: ImportRequest): Promise<ImportResult> {
  if (file !== '-') return importPath(store, file, file, req);
  // stdin is spooled so that its content hash is known before the first event names its boot.
  const dir = await mkdtemp(join(tmpdir(), 'kvmlog-'));
  const spool = join(dir, 'stdin');
  try {
    await pipeline(process.stdin, createWriteStream(spool));
    return await importPath(store, spool, '-', req);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function importPath(store: Store, path: string, shownAs: string, req: ImportRequest): Promise<ImportResult> {
  const size = await checkReadable(path, shownAs);
  const reading: ReadOptions = { format: req.format, name: shownAs, attachTo: req.boot, host: req.host, bootWallNs: req.bootWallNs };
  // Started first, the parse thread reads while this thread takes the write lock and hashes the input; its first
  // questions (is this boot stored already?) are answered meanwhile, so that it reads on rather than wait.
  const thread = (req.thread ?? size >= THREAD_FROM_BYTES) ? ParseThread.start(path, reading, req.threadChain) : null;
  let session: ImportSession | null = null;
  try {
    session = ImportSession.begin(store);
    thread?.answerEarly(session);
    const sha256 = await hashInput(path);
    const host = req.host ?? (shownAs === '-' ? 'stdin' : basename(shownAs).replace(/\.[^.]*$/, ''));
    const recorded = session.record({ sha256, path: shownAs, format: req.format ?? 'auto', host });
    if (recorded.kind === 'already-imported') {
      thread?.cancel();
      return { kind: 'already-imported', file: shownAs, previousPath: recorded.path, importedAt: recorded.importedAt };
    }
    if (req.boot !== undefined && !hasBoot(store, req.boot)) {
      throw new KvmlogError('not-found', `--boot ${req.boot}: no such boot in ${store.path} (give the full id from kvmlog boots)`);
    }
    const progress = req.onProgress;
    const onBytes = progress && ((b: number) => progress(b, size));
    const input = thread !== null ? await thread.into(session, onBytes, session) : await readInput(readLineBatches(path, onBytes), session, reading);
    const first = input.warnings[0];
    if (req.strict && first !== undefined) {
      throw new KvmlogError('input', `${shownAs}:${first.line}: ${first.message} (--strict: nothing imported; ${input.warnings.length} warning(s) in all)`);
    }
    return { kind: 'imported', file: shownAs, summary: session.finish(input) };
  } catch (e) {
    thread?.cancel();
    session?.abort();
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
