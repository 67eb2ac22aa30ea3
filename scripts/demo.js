// `npm run demo`: import a real Linux 6.1 trace into ./kvmlog.db and show the state at a revealing instant.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const trace = fileURLToPath(new URL('../test/fixtures/linux-6.1-qemu/ftrace-lifecycle.txt', import.meta.url));

function kvmlog(...args) {
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const say = (text) => process.stderr.write(`\n# ${text}\n`);

say('kvmlog import: a real ftrace of Linux 6.1 running KVM under QEMU (test/fixtures/linux-6.1-qemu)');
kvmlog('import', trace);
say('kvmlog state --at 15.0: VM A is open, so every CPU is post-VMXON (SVM on) except CPU 2, which is offline');
kvmlog('state', '--at', '15.0');
say('kvmlog events --from 14.43 --to 15.6: CPU 2 goes down (kvm_dying_cpu turns it off) and comes back (kvm_starting_cpu)');
kvmlog('events', '--from', '14.43', '--to', '15.6', '--type', 'cpuhp.callback', '--type', 'virt.enable', '--type', 'virt.disable', '--type', 'cpu.online', '--type', 'cpu.offline');
say('kvmlog boots');
kvmlog('boots');
