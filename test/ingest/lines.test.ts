import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectFormat } from '../../src/ingest/formats/registry.js';
import { parseFtraceLine } from '../../src/ingest/formats/ftrace/grammar.js';
import { DmesgReader, KmsgReader } from '../../src/ingest/formats/kernel-log.js';
import type { Rec } from '../../src/ingest/formats/format.js';
import { intArg, parseArgs, parsePayload } from '../../src/ingest/decode/payload.js';

const record = (text: string) => {
  const l = parseFtraceLine(text);
  assert.equal(l.kind, 'record', text);
  return (l as Extract<typeof l, { kind: 'record' }>).record;
};

describe('ftrace text lines', () => {
  it('reads the 5-flag format of current kernels (real 6.1 line)', () => {
    const r = record('     migration/2-25      [002] d..2.    14.437947: kvm_dying_cpu: (kvm_dying_cpu+0x0/0x50 [kvm]) cpu=2');
    assert.deepEqual([r.task, r.pid, r.cpu, r.timeNs], ['migration/2', 25, 2, 14_437_947_000n]);
    assert.equal(r.payload, 'kvm_dying_cpu: (kvm_dying_cpu+0x0/0x50 [kvm]) cpu=2');
  });

  it('reads task names with dashes and colons, <idle> and <...>', () => {
    assert.equal(record('     kworker/0:1-17      [000] .....    14.393906: cpuhp_enter: x').task, 'kworker/0:1');
    assert.equal(record('          <idle>-0       [003] d.h2.    12.591408: x: y').pid, 0);
    assert.equal(record('           <...>-4711    [001] .....    99.000001: x: y').task, '<...>');
    assert.equal(record(' systemd-journal-312     [001] .....    99.000001: x: y').task, 'systemd-journal');
  });

  it('reads 4-flag lines of older kernels, lines without flags, a tgid column and any stamp precision', () => {
    assert.equal(record('            bash-1234  [001] d..1  1234.567890: x: y').timeNs, 1_234_567_890_000n);
    assert.equal(record('            bash-1234  [001]  1234.5678: x: y').timeNs, 1_234_567_800_000n);
    assert.equal(record('            bash-1234  (  1230) [001] ....  1234.567890123: x: y').timeNs, 1_234_567_890_123n);
  });

  it('tells headers, stack frames and foreign lines apart', () => {
    assert.equal(parseFtraceLine('# tracer: nop').kind, 'comment');
    assert.equal(parseFtraceLine(' => kprobe_trace_func').kind, 'stack-frame');
    assert.equal(parseFtraceLine('').kind, 'blank');
    assert.equal(parseFtraceLine('random words').kind, 'unparsed');
  });
});

describe('trace payloads', () => {
  it('kretprobe: the probed function comes after <-, with its return value (real 6.12 line)', () => {
    const p = parsePayload('svm_enable_virtualization_cpu_ret: (kvm_arch_enable_virtualization_cpu+0xc4/0x280 [kvm] <- svm_enable_virtualization_cpu) ret=0');
    assert.deepEqual(p, { kind: 'kretprobe', name: 'svm_enable_virtualization_cpu_ret', symbol: 'svm_enable_virtualization_cpu', args: { ret: '0' } });
  });

  it('kprobe with quoted and module-suffixed arguments (real 6.12 line)', () => {
    const p = parsePayload(
      '__cpuhp_setup_state: (__cpuhp_setup_state+0x4/0xf0) state=148 name="kvm/cpu:online" invoke=1 startup=kvm_online_cpu+0x0/0x50 [kvm] teardown=kvm_offline_cpu+0x0/0x30 [kvm]',
    );
    assert.equal(p?.kind, 'kprobe');
    const args = (p as { args: Record<string, string> }).args;
    assert.deepEqual(args, {
      state: '148',
      name: 'kvm/cpu:online',
      invoke: '1',
      startup: 'kvm_online_cpu+0x0/0x50 [kvm]',
      teardown: 'kvm_offline_cpu+0x0/0x30 [kvm]',
    });
  });

  it('a kprobe printed with a bare address has no symbol', () => {
    assert.deepEqual(parsePayload('svm_init: (0xffffffffc059d014)'), { kind: 'kprobe', name: 'svm_init', symbol: null, args: {} });
  });

  it('function tracer and stack trace payloads', () => {
    assert.deepEqual(parsePayload('svm_hardware_enable <-kvm_arch_hardware_enable'), {
      kind: 'function',
      name: 'svm_hardware_enable',
      parent: 'kvm_arch_hardware_enable',
    });
    assert.deepEqual(parsePayload('<stack trace>'), { kind: 'stack-trace' });
  });

  it('tracepoint text keeps the exact TP_printk output (cpuhp_exit has two spaces)', () => {
    assert.deepEqual(parsePayload('cpuhp_exit:  cpu: 0002  state: 153 step: 236 ret: 0'), {
      kind: 'tracepoint',
      name: 'cpuhp_exit',
      text: ' cpu: 0002  state: 153 step: 236 ret: 0',
    });
  });

  it('integer arguments: decimal, and x64 hex read as signed (a negative errno)', () => {
    const a = parseArgs('ret=0xfffffffffffffffb cpu=2 usage=-1 p=0xff42274b0037d000');
    assert.equal(intArg(a, 'ret'), -5);
    assert.equal(intArg(a, 'cpu'), 2);
    assert.equal(intArg(a, 'usage'), -1);
    assert.equal(intArg(a, 'missing'), null);
  });
});

describe('kernel log lines', () => {
  const one = (reader: { read(l: { no: number; text: string }): readonly Rec[] }, text: string): Rec => reader.read({ no: 1, text })[0]!;

  it('dmesg, dmesg -r and /dev/kmsg carry the same time exactly', () => {
    const d = one(new DmesgReader(), '[   14.450162] smpboot: CPU 2 is now offline');
    const r = one(new DmesgReader(), '<6>[   14.450162] smpboot: CPU 2 is now offline');
    const k = one(new KmsgReader(), '6,611,14450162,-;smpboot: CPU 2 is now offline');
    for (const rec of [d, r, k]) {
      assert.equal(rec.kind, 'printk');
      const p = rec as Extract<Rec, { kind: 'printk' }>;
      assert.equal(p.timeNs, 14_450_162_000n);
      assert.equal(p.message, 'smpboot: CPU 2 is now offline');
    }
  });

  it('kmsg dictionary lines and dmesg wrapped lines are not records', () => {
    assert.equal(one(new KmsgReader(), ' SUBSYSTEM=acpi').kind, 'other');
    assert.equal(one(new DmesgReader(), 'Probably due to long platform interrupts.').kind, 'other');
  });
});

describe('format detection', () => {
  it('recognizes each format from its first lines', () => {
    assert.equal(detectFormat(['# tracer: nop', '#', '# entries-in-buffer/entries-written: 1299/1299   #P:4']), 'ftrace');
    assert.equal(detectFormat(['          <idle>-0       [000] ...1.     0.546383: cpuhp_enter: cpu: 0000']), 'ftrace');
    assert.equal(detectFormat(['[    0.000000] Linux version 6.1.0-56-amd64']), 'dmesg');
    assert.equal(detectFormat(['<5>[    0.000000] Linux version 6.1.0-56-amd64']), 'dmesg');
    assert.equal(detectFormat(['5,0,0,-;Linux version 6.1.0-56-amd64']), 'kmsg');
    assert.equal(detectFormat(['hello', 'world']), null);
  });
});
