/**
 * The parse thread's entry (a worker_threads Worker): reads and decodes one input, handing everything to a
 * RemoteSink. Bundled on its own (scripts/build.js), since it loads none of the store or the CLI, and as CommonJS,
 * which a worker starts sooner than an ES module (docs/performance.md).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KvmlogError } from '../../errors.js';
import { readLineBatchesSync } from '../../ingest/lines.js';
import { readInput } from '../read-input.js';
import type { ParserData } from './protocol.js';
import { Aborted, RemoteSink } from './remote-sink.js';

const { path, opts, shared, chainBytes, chain, replies, bindings, bytesRead } = workerData as ParserData;
const sink = new RemoteSink({ port: parentPort!, replies, bindings }, shared, chainBytes, chain);

async function run(): Promise<void> {
  try {
    sink.done(await readInput(readLineBatchesSync(path, (bytes) => Atomics.store(bytesRead, 0, BigInt(bytes))), sink, opts));
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
