/**
 * Public real logs (test/fixtures/public-logs, each with its source): printk callers in every form, the lines other
 * architectures print before the banner, and the capture kernel told from its own log and from the dying one's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stateAt } from '../../src/app/state-at.js';
import { parseTime } from '../../src/model/time.js';
import { fixture } from '../helpers/cli.js';
import { testStore } from '../helpers/store.js';

const pub = (name: string): string => fixture('public-logs', name);

describe('printk callers (CONFIG_PRINTK_CALLER)', () => {
  it('a console’s `[ T4382]` caller hides no lifecycle line: the arm64 guest’s kexec is read', async () => {
    const t = await testStore();
    try {
      const r = await t.import(pub('caller-kexec-arm64.log'));
      assert.deepEqual(r.summary.warnings, []);
      const [boot] = t.boots();
      const ev = t.events(boot!.id).map((e) => [e.timeNs, e.event.type, 'kind' in e.event ? e.event.kind : null]);
      assert.deepEqual(ev, [[50_377_002_000n, 'kexec.start', 'normal']]);
    } finally {
      await t.close();
    }
  });

  it('a `[    C0]` caller names the panicking CPU: the state says panic, on CPU 0; the stack dump names the release', async () => {
    const t = await testStore();
    try {
      await t.import(pub('caller-panic-syzkaller.log'));
      const [boot] = t.boots();
      assert.equal(boot!.kernel, '5.14.0-rc5-syzkaller', 'from `CPU: 0 PID: 1 Comm: swapper/0 Not tainted 5.14.0-rc5-syzkaller #0`');
      const panics = t.events(boot!.id).filter((e) => e.event.type === 'panic');
      assert.deepEqual(panics.map((e) => [e.timeNs, e.event]), [[14_278_186_000n, { type: 'panic', message: 'panic_on_warn set ...', cpu: 0 }]]);
      const s = stateAt(t.store, boot!, parseTime('15s')!).state;
      assert.deepEqual(s.system, { state: 'panic', cpu: 0 });
    } finally {
      await t.close();
    }
  });

  it('util-linux `dmesg -r` prints the caller after the stamp: the banner and command line are read through it', async () => {
    const t = await testStore();
    try {
      await t.import(pub('caller-dmesg-r-arm64-boot.txt'));
      const boots = t.boots();
      assert.equal(boots.length, 1, 'Booting Linux on physical CPU, before the banner, is the same boot');
      assert.equal(boots[0]!.kernel, '6.9.3-7.g97b471a-vanilla');
      assert.match(boots[0]!.cmdline ?? '', /^BOOT_IMAGE=\/Image-6\.9\.3-7\.g97b471a-vanilla root=UUID=/);
      assert.equal(boots[0]!.kind, 'normal');
    } finally {
      await t.close();
    }
  });

  it('a /dev/kmsg record’s `caller=C2` names the CPU of a routed probe line', async () => {
    const t = await testStore();
    try {
      // The record layout of /dev/kmsg (Documentation/ABI/testing/dev-kmsg) with the caller field printk adds
      // under CONFIG_PRINTK_CALLER; the payload is a real 6.12 tp_printk line (linux-6.12-qemu-kdump).
      await t.importText(
        'kmsg.txt',
        [
          '6,1,0,-,caller=T0;Linux version 6.12.117+deb12-amd64 (debian-kernel@lists.debian.org) (x86_64-linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1~deb12u1 (2026-11-14)',
          '6,900,23491555,-,caller=C2;svm_emergency_disable_virtualization_cpu: (svm_emergency_disable_virtualization_cpu+0x4/0x50 [kvm_amd])',
        ].join('\n') + '\n',
        { format: 'kmsg' },
      );
      const [boot] = t.boots();
      const ev = t.events(boot!.id).filter((e) => e.event.type === 'virt.emergency_disable');
      assert.deepEqual(ev.map((e) => e.event), [{ type: 'virt.emergency_disable', cpu: 2 }]);
    } finally {
      await t.close();
    }
  });
});

describe('boots across kexec and kdump on other architectures', () => {
  it('ppc64’s `hash-mmu:` lines at stamp 0 after a kexec start the next boot, which keeps its banner and its link', async () => {
    const t = await testStore();
    try {
      await t.import(pub('ppc64-kexec-then-boot-console.log'));
      const boots = t.boots().sort((a, b) => (a.previous === null ? -1 : b.previous === null ? 1 : 0));
      assert.equal(boots.length, 2);
      assert.deepEqual([boots[1]!.kernel, boots[1]!.previous, boots[1]!.kind], ['5.11.0-rc6', boots[0]!.id, 'normal']);
    } finally {
      await t.close();
    }
  });

  it('arm64’s `Starting crashdump kernel...` makes the next boot the kdump kernel, though its command line has no elfcorehdr', async () => {
    const t = await testStore();
    try {
      await t.import(pub('arm64-crashdump-console.log'));
      const boots = t.boots();
      assert.equal(boots.length, 2);
      const [crashed, kdump] = boots[0]!.previous === null ? boots : [boots[1]!, boots[0]!];
      assert.deepEqual([kdump!.kernel, kdump!.kind, kdump!.previous], ['6.5.0-rc4-ge28001fb4e07', 'kdump', crashed!.id]);
      assert.deepEqual(
        t.events(crashed!.id).map((e) => e.event),
        [{ type: 'kexec.start', kind: 'crash' }],
      );
    } finally {
      await t.close();
    }
  });

  it('a kernel that reserves the crashed kernel’s elfcorehdr is the capture kernel; one that reserves crashkernel memory is not', async () => {
    const t = await testStore();
    try {
      // `OF: fdt: Reserving 1 KiB of memory at 0xf4fff000 for elfcorehdr`: a real kdump boot's line quoted in a
      // linux-kernel patch on the elfcorehdr reservation ("Before 8a6e02d0c00e: …"); the banner is the arm64 one above.
      await t.importText(
        'capture.log',
        '[    0.000000] Linux version 6.5.0-rc4-ge28001fb4e07 (radheys@xhdradheys41) (aarch64-xilinx-linux-gcc.real (GCC) 12.2.0, GNU ld (GNU Binutils) 2.39.0.20220819) #23 SMP Fri Aug 11 16:25:34 IST 2023\n' +
          '[    0.000000] OF: fdt: Reserving 1 KiB of memory at 0xf4fff000 for elfcorehdr\n',
      );
      // A production kernel reserving memory for a crash kernel (real lines of the 6.1 kdump recording).
      await t.importText(
        'production.log',
        '[    0.000000] Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)\n' +
          '[    0.000000] Command line: console=ttyS0,115200 panic=-1 trace_clock=global trace_event=cpuhp:* tp_printk tp_printk_stop_on_boot ftrace_dump_on_oops qt_mode=kdump crashkernel=256M crash_kexec_post_notifiers\n' +
          '[    0.000000] Reserving 256MB of memory at 1264MB for crashkernel (System RAM: 1535MB)\n',
      );
      const kinds = Object.fromEntries(t.boots().map((b) => [b.kernel, b.kind]));
      assert.deepEqual(kinds, { '6.5.0-rc4-ge28001fb4e07': 'kdump', '6.1.0-56-amd64': 'normal' });
    } finally {
      await t.close();
    }
  });
});
