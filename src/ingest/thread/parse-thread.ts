/**
 * The parse thread's entry (a worker_threads Worker): reads and decodes one input, handing everything to a
 * RemoteSink. Bundled on its own (scripts/build.js), since it loads none of the store or the CLI, and as
 * CommonJS: a worker starts a CommonJS entry 15–20 ms sooner than an ES module (measured here: 38–41 vs 55–70 ms
 * for an empty one), which is that much less of the import spent before the first line is read.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KvmlogError } from '../../errors.js';
import { importLines } from '../importer.js';
import { readLineBatchesSync } from '../lines.js';
import type { ParserData } from './protocol.js';
import { Aborted, RemoteSink } from './remote-sink.js';

const { path, opts, shared, chainBytes, chain, replies, bytesRead } = workerData as ParserData;
const sink = new RemoteSink(parentPort!, replies, shared, chainBytes, chain);

async function run(): Promise<void> {
  try {
    sink.done(await importLines(readLineBatchesSync(path, (bytes) => Atomics.store(bytesRead, 0, BigInt(bytes))), sink, opts));
  } catch (e) {
    if (!(e instanceof Aborted)) {
      sink.failed(
        e instanceof KvmlogError
          ? { code: e.code, message: e.message }
          : { code: null, message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined },
      );
    }
  }
}

void run();
