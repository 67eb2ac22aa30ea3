/**
 * Malformed and truncated input, for every reader: a clear warning with the line, or a clear error, never a
 * crash; and what could be read is still read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testStore } from '../helpers/store.js';

const ENABLE = '          <idle>-0       [003] d.h1.    12.593164: svm_hardware_enable_ret: (kvm_arch_hardware_enable+0x91/0x280 [kvm] <- svm_hardware_enable) ret=0';

async function imported(name: string, text: string, format?: string) {
  const t = await testStore();
  try {
    const r = await t.importText(name, text, format ? { format: format as never } : {});
    return { summary: r.summary, events: r.summary.boots.flatMap((b) => t.events(b).map((e) => e.event)) };
  } finally {
    await t.close();
  }
}

describe('truncated and mangled lines', () => {
  it('ftrace: a record cut in the middle of a probe is a warning at its line; the rest is read', async () => {
    const { summary, events } = await imported('cut.txt', `${ENABLE}\n          <idle>-0       [002] d.h1.    12.601058: svm_hardware_enable_ret: (kvm_arch_hardware_enable+0x91/0x280 [kvm] <- svm_hard`);
    assert.deepEqual(events, [{ type: 'virt.enable', cpu: 3, vendor: 'svm', ret: 0 }]);
    assert.equal(summary.warnings.length, 1);
    assert.equal(summary.warnings[0]!.line, 2);
  });

  it('ftrace: a line whose header is mangled but that carries a lifecycle record is a warning', async () => {
    const { summary } = await imported('mangled.txt', `${ENABLE}\n          <idle>-0       [00x] d.h1.    12.601058: kvm_dying_cpu: (kvm_dying_cpu+0x0/0x50 [kvm]) cpu=2\n`);
    assert.deepEqual(summary.warnings.map((w) => w.line), [2]);
  });

  it('dmesg: a stamp cut short is a warning when the line is a lifecycle message, other text is counted', async () => {
    const { summary, events } = await imported(
      'dmesg.txt',
      '[   14.450162] smpboot: CPU 2 is now offline\n[   15.54055 smpboot: Booting Node 0 Processor 2 APIC 0x2\nsome program wrote this\n',
    );
    assert.deepEqual(events, [{ type: 'cpu.offline', cpu: 2 }]);
    assert.deepEqual(summary.warnings.map((w) => w.line), [2]);
    assert.equal(summary.other, 1);
  });

  it('/dev/kmsg: a record cut before its text is a warning; a dictionary line is not', async () => {
    const { summary, events } = await imported('kmsg.txt', '6,611,14450162,-;smpboot: CPU 2 is now offline\n SUBSYSTEM=cpu\n6,612,15540554,-smpboot: Booting Node 0 Processor 2 APIC 0x2\n');
    assert.deepEqual(events, [{ type: 'cpu.offline', cpu: 2 }]);
    assert.deepEqual(summary.warnings.map((w) => w.line), [3]);
  });

  it('journal JSON: an object cut off at the end of the input, and a line that does not parse', async () => {
    const good = JSON.stringify({ __REALTIME_TIMESTAMP: '1795003096450162', _BOOT_ID: '6f1c1d6a0a7b4c2e9e1f3a5b7c9d0e21', _TRANSPORT: 'kernel', _SOURCE_MONOTONIC_TIMESTAMP: '14450162', MESSAGE: 'smpboot: CPU 2 is now offline' });
    const { summary, events } = await imported('journal.json', `${good}\n{"MESSAGE": "smpboot: CPU 3 is now off\n{\n\t"MESSAGE" : "x",\n`, 'journal-json');
    assert.deepEqual(events, [{ type: 'cpu.offline', cpu: 2 }]);
    // The object that opens on line 3 is still open when the input ends after line 4.
    assert.deepEqual(summary.warnings.map((w) => w.line), [2, 4]);
    assert.match(summary.warnings[1]!.message, /cut off/);
  });

  it('syslog: a kernel line without its host field is a warning', async () => {
    const { summary } = await imported('syslog.txt', 'Nov 25 12:33:34 vm kernel: [   14.450162] smpboot: CPU 2 is now offline\nNov 25 12:33:34 kernel: smpboot: CPU 3 is now offline\n', 'syslog');
    assert.equal(summary.events, 1);
    assert.deepEqual(summary.warnings.map((w) => w.line), [2]);
  });

  it('perf script: a record cut after the event name is a warning', async () => {
    const { summary } = await imported('perf.txt', '           kvmvm   131 [000]    12.590732: probe:kvm_arch_init_vm: (ffffffffc0a1b2c0) kvm=0x1 type=0\n           kvmvm   131 [000]    12.5907', 'perf');
    assert.equal(summary.events, 1);
    assert.equal(summary.warnings.length, 0, 'a cut line without any lifecycle shape is only counted');
    assert.equal(summary.other, 1);
  });

  it('kvmlog NDJSON: an unknown event type and broken JSON are warnings', async () => {
    const { summary } = await imported(
      'events.ndjson',
      '{"seq":1,"boot":"b1","timeNs":"5","type":"cpu.online","cpu":0}\n{"seq":2,"boot":"b1","timeNs":"6","type":"cpu.exploded","cpu":0}\n{"seq":3,"boot":"b1",\n',
    );
    assert.equal(summary.events, 1);
    assert.deepEqual(summary.warnings.map((w) => w.line), [2, 3]);
  });
});

describe('what is not text', () => {
  it('CRLF line ends, NUL bytes and invalid UTF-8 do not stop the lines around them', async () => {
    const bytes = Buffer.concat([
      Buffer.from('[   14.450162] smpboot: CPU 2 is now offline\r\n'),
      Buffer.from([0x00, 0xff, 0xfe, 0x0a]),
      Buffer.from('[   15.540554] smpboot: Booting Node 0 Processor 2 APIC 0x2\r\n'),
    ]);
    const t = await testStore();
    try {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${t.dir}/binary.txt`, bytes);
      const r = await t.import(`${t.dir}/binary.txt`);
      assert.equal(r.summary.events, 2);
      assert.equal(r.summary.lines, 3);
    } finally {
      await t.close();
    }
  });
});
