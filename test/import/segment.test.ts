/** What a boot's own lines tell of it: the release, from the banner or, where none shows, from other real lines. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BANNER, releaseFrom } from '../../src/import/segment.js';

describe('the kernel release', () => {
  it('a banner names it, with or without a space before the builder', () => {
    // Real 6.1 banner (test/fixtures/linux-6.1-qemu-kdump).
    assert.equal(BANNER.exec('Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)')?.[1], '6.1.0-56-amd64');
    // /proc/version of an Ubuntu 22.04 machine as a user pasted it, the spaces before `(` gone.
    assert.equal(BANNER.exec('Linux version 6.2.0-36-generic(buildd@lcy02-amd64-050)(x86_64-linux-gnu-gcc-11(Ubuntu 11.4.0-1ubuntu1-22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38)#37~22.04.1-Ubuntu SMP PREEMPT_DY')?.[1], '6.2.0-36-generic');
  });

  it('without a banner: the stack dump’s CPU line, tainted or not, or the boot image on the command line', () => {
    assert.equal(releaseFrom('CPU: 0 PID: 1 Comm: swapper/0 Not tainted 5.14.0-rc5-syzkaller #0'), '5.14.0-rc5-syzkaller');
    // Real lines: a syzbot softlockup report (6.14) and the 6.12 recording's own panic.
    assert.equal(releaseFrom('CPU: 0 UID: 0 PID: 1 Comm: swapper Tainted: G             L     6.14.0-rc3-00037-gf388f60ca904 #1'), '6.14.0-rc3-00037-gf388f60ca904');
    assert.equal(releaseFrom('CPU: 0 UID: 0 PID: 1 Comm: init Kdump: loaded Not tainted 6.12.117+deb12-amd64 #1  Debian 6.12.117-1~deb12u1'), '6.12.117+deb12-amd64');
    assert.equal(releaseFrom('Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 root=UUID=2f7c ro quiet'), '6.1.0-56-amd64');
    assert.equal(releaseFrom('Kernel command line: BOOT_IMAGE=/Image-6.9.3-7.g97b471a-vanilla root=UUID=6d048af7'), '6.9.3-7.g97b471a-vanilla');
    assert.equal(releaseFrom('Command line: console=ttyS0,115200 panic=-1'), null);
    assert.equal(releaseFrom('CPU: 1 PID: 0 Comm: swapper/1'), null);
  });
});
