/**
 * A boot asked for and named later (ImportSink.requestBoot): a parse thread's store can name a new boot only once
 * it has hashed the input, and the reader reads on meanwhile, holding the boot's events, up to a bound. The sink
 * must be handed exactly what it is handed when boots are created at once.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generate } from '../../bench/generate.js';
import { type BootRequest, type ImportSink, MAX_HELD_ASKED, type NewBoot, importLines } from '../../src/ingest/importer.js';
import { readLineBatches } from '../../src/ingest/lines.js';
import { fixture, scratch } from '../helpers/cli.js';

/** A sink that writes down every call it takes, rows whole; new boots are named after their index. */
function recording(calls: string[]): ImportSink {
  return {
    findBoot: () => (calls.push('findBoot'), null),
    hasBoot: (id) => (calls.push(`hasBoot ${id}`), false),
    createBoot: (b) => (calls.push(`createBoot ${b.index} ${b.era} ${b.kind}`), `boot-${b.index}`),
    anchors: (boot, a) => calls.push(`anchors ${boot} ${a.length} ${a[0]?.timeNs}`),
    endBoot: (boot, f) => calls.push(`endBoot ${boot} ${JSON.stringify(f, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v))}`),
    event: (boot, r, tol) => calls.push(`event ${boot} ${r.timeNs} ${r.line} ${r.type} ${r.fields} ${tol}`),
  };
}

/**
 * The same sink, asked for its new boots: `answer` says after how many polls the id comes (Infinity: only when
 * waited for). `asked` hears each request with how far the input had been read then, and the wait.
 */
function asking(calls: string[], answer: number, heard: { read: () => number; asked: number[]; waited: number[]; firstEvent: number | null }): ImportSink {
  const sink = recording(calls);
  return {
    ...sink,
    event: (boot, r, tol) => {
      heard.firstEvent ??= heard.read();
      sink.event(boot, r, tol);
    },
    requestBoot: (b: NewBoot): BootRequest => {
      heard.asked.push(heard.read());
      let polls = 0;
      let id: string | null = null;
      const name = () => (id ??= sink.createBoot(b));
      return {
        poll: () => (++polls >= answer ? name() : null),
        wait: () => (heard.waited.push(heard.read()), name()),
      };
    },
  };
}

async function calls(path: string, answer?: number): Promise<{ calls: string[]; heard: { asked: number[]; waited: number[]; firstEvent: number | null } }> {
  const out: string[] = [];
  let read = 0;
  const heard = { read: () => read, asked: [] as number[], waited: [] as number[], firstEvent: null as number | null };
  const sink = answer === undefined ? recording(out) : asking(out, answer, heard);
  await importLines(readLineBatches(path, (b) => (read = b)), sink, { name: path });
  return { calls: out, heard };
}

describe('a boot asked for and named later', () => {
  const { dir } = scratch();

  it('hands the sink what creating it at once does, on every real recording and a long generated trace', async () => {
    const generated = join(dir, 'long.txt');
    await generate(generated, 120_000, 0.5, 11);
    const recordings = ['linux-6.1-qemu', 'linux-6.1-qemu-kdump', 'linux-6.12-qemu-kexec', 'linux-6.12-qemu', 'host-6.18-ftrace'].flatMap((d) =>
      readdirSync(fixture(d))
        .filter((f) => !f.endsWith('.md'))
        .map((f) => fixture(d, f)),
    );
    // A console whose boot asks for its id (4,096 stamped lines) just before the ftrace dump printed into it: the
    // dump must see the boot named and its anchors stored, as it would have been created at once.
    const lines = readFileSync(fixture('linux-6.12-qemu', 'console-lifecycle.log'), 'utf8').split('\n');
    const before = lines.findIndex((l) => l.startsWith('=====BEGIN ftrace-lifecycle.txt'));
    assert.match(lines[before - 3]!, /^\[   49\.468667\] PM: suspend exit/);
    const stamped = Array.from({ length: 4200 }, (_, k) => `[   49.${String(468668 + k).padStart(6, '0')}] virtio_net virtio0 eth0: link check ${k}`);
    const busy = join(dir, 'console-busy.log');
    writeFileSync(busy, [...lines.slice(0, before - 2), ...stamped, ...lines.slice(before - 2)].join('\n'));
    let askedSomewhere = false;
    for (const path of [...recordings, busy, generated]) {
      const inline = await calls(path).catch((e: Error) => ({ calls: [`failed: ${e.message}`] }));
      // Named at the first poll, at the third, or only when the reader must have the id.
      for (const answer of [1, 3, Infinity]) {
        const later = await calls(path, answer).catch((e: Error) => ({ calls: [`failed: ${e.message}`], heard: null }));
        assert.deepEqual(later.calls, inline.calls, `${path}, named at poll ${answer}`);
        askedSomewhere ||= (later.heard?.asked.length ?? 0) > 0;
      }
    }
    assert.ok(askedSomewhere, 'some boot was placed after its 4,096th anchor, and so asked for');
  });

  it('reads on past the line where it asked for the boot, until the id comes', async () => {
    const path = join(dir, 'read-on.txt');
    await generate(path, 120_000, 0.05, 12);
    const { heard } = await calls(path, 4);
    assert.equal(heard.asked.length, 1);
    assert.deepEqual(heard.waited, [], 'the id came at a poll, not by waiting');
    // The id comes at the fourth poll, one a batch read.
    assert.ok(heard.firstEvent! > heard.asked[0]!, `asked with ${heard.asked[0]} bytes read, first row handed at ${heard.firstEvent}`);
  });

  it(`holds at most ${MAX_HELD_ASKED} of the boot's events meanwhile: then it waits for the id, mid-input`, async () => {
    const path = join(dir, 'held.txt');
    // Every line a lifecycle record (or a stack trace of one): more events after the boot's 4,096th anchor than may be held.
    const gen = await generate(path, 260_000, 1, 13);
    assert.ok(gen.events > 4096 + MAX_HELD_ASKED, `${gen.events} events`);
    const { calls: handed, heard } = await calls(path, Infinity);
    assert.equal(heard.waited.length, 1);
    assert.ok(heard.waited[0]! < statSync(path).size, `waited with ${heard.waited[0]} of ${statSync(path).size} bytes read`);
    assert.equal(handed.filter((c) => c.startsWith('event ')).length, gen.events);
  });
});
