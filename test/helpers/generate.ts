/**
 * Seeded ftrace text for the benchmark, in the line shapes of the real recordings (test/fixtures/linux-6.12-qemu):
 * scheduler and KVM-exit tracepoints of other work, cpuhp callbacks, markers, and — at the chosen fraction —
 * lifecycle kprobes and kretprobes (VMXON/VMXOFF per CPU), some followed by a <stack trace> block.
 */
import { createWriteStream } from 'node:fs';

/** mulberry32: small, seeded, good enough to vary line shapes reproducibly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CPUS = 4;
const head = (task: string, cpu: number, flags: string, ns: bigint) => {
  const s = ns / 1_000_000_000n;
  const us = (ns % 1_000_000_000n) / 1000n;
  return `${task.padStart(16)} [${String(cpu).padStart(3, '0')}] ${flags} ${String(s).padStart(5)}.${String(us).padStart(6, '0')}: `;
};

const OTHER: readonly ((cpu: number, r: () => number) => string)[] = [
  (cpu) => `sched_switch: prev_comm=kworker/${cpu}:1 prev_pid=${40 + cpu} prev_prio=120 prev_state=I ==> next_comm=swapper/${cpu} next_pid=0 next_prio=120`,
  (cpu, r) => `kvm_exit: vcpu 0 reason io rip 0x${(0x1000 + Math.floor(r() * 64)).toString(16)} info1 0x0000000003f80010 info2 0x0000000000001008 intr_info 0x00000000 error_code 0x00000000`,
  () => 'kvm_entry: vcpu 0, rip 0x1008',
  (cpu) => `cpuhp_enter: cpu: ${String(cpu).padStart(4, '0')} target: 236 step: 197 (workqueue_online_cpu)`,
  (_cpu, r) => `kvm_pio: pio_write at 0x3f8 size 1 count 1 val 0x${Math.floor(r() * 255).toString(16)} `,
  (cpu) => `irq_handler_entry: irq=${24 + cpu} name=virtio0-input.0`,
];

/** Writes `lines` lines, a `lifecycle` fraction of them VMXON/VMXOFF probe records. Returns how many events they make. */
export async function generate(path: string, lines: number, lifecycle: number, seed = 1): Promise<{ lines: number; events: number; bytes: number }> {
  const r = rng(seed);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let ns = 5_000_000_000n;
  let written = 0;
  let events = 0;
  let bytes = 0;
  const on = new Array<boolean>(CPUS).fill(false);
  let chunk: string[] = [];
  const push = (l: string) => {
    chunk.push(l);
    written++;
    if (chunk.length >= 4096) flush();
  };
  const flush = () => {
    const text = `${chunk.join('\n')}\n`;
    bytes += Buffer.byteLength(text);
    out.write(text);
    chunk = [];
  };
  push('# tracer: nop');
  while (written < lines) {
    ns += BigInt(1000 + Math.floor(r() * 9000));
    const cpu = Math.floor(r() * CPUS);
    if (r() < lifecycle) {
      const task = `cpuhp/${cpu}-${23 + cpu}`;
      if (on[cpu]) {
        push(`${head(task, cpu, '...1.', ns)}svm_disable_virtualization_cpu: (svm_disable_virtualization_cpu+0x4/0xb0 [kvm_amd])`);
      } else {
        push(`${head(task, cpu, '.....', ns)}svm_enable_virtualization_cpu_ret: (kvm_arch_enable_virtualization_cpu+0xc4/0x280 [kvm] <- svm_enable_virtualization_cpu) ret=0`);
      }
      on[cpu] = !on[cpu];
      events++;
      if (r() < 0.1 && written + 6 < lines) {
        push(`${head(task, cpu, '...1.', ns)}<stack trace>`);
        for (const f of ['kprobe_trace_func', 'aggr_pre_handler', 'kprobe_ftrace_handler', 'kvm_online_cpu', 'cpuhp_invoke_callback']) push(` => ${f}`);
      }
    } else {
      push(`${head(`kvmvm-${240 + cpu}`, cpu, '.....', ns)}${OTHER[Math.floor(r() * OTHER.length)]!(cpu, r)}`);
    }
  }
  flush();
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  return { lines: written, events, bytes };
}
