import { Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';
import { KvmlogError } from '../errors.js';
import { eraOfKernel } from '../model/era.js';
import { bpftraceScript, tracefsScript } from '../probes/render.js';

export default class Probes extends KvmlogCommand {
  static override summary = 'Print what to run on a host to capture everything kvmlog understands.';
  static override description = `For a kernel release, prints either a shell script that defines the kprobes and kretprobes and enables the tracepoints kvmlog reads through tracefs (--tracefs, the default), or a bpftrace program that prints the same events in ftrace's text layout (--bpftrace). Probe names follow the probed functions, so the capture imports as it is. The script says which probes a kernel may not allow (inlined static functions, __init and notrace functions) and how to capture across a crash into kdump.`;

  static override examples = [
    '<%= config.bin %> probes --kernel "$(uname -r)" > kvmlog-capture.sh && sudo sh kvmlog-capture.sh',
    '<%= config.bin %> probes --kernel 6.12 --bpftrace > kvmlog.bt && sudo bpftrace -f json kvmlog.bt > capture.ndjson',
  ];

  static override flags = {
    kernel: Flags.string({ description: 'kernel release of the host (uname -r), e.g. 6.1.0-56-amd64 or 6.12', required: true }),
    tracefs: Flags.boolean({ description: 'a tracefs shell script (default)', exclusive: ['bpftrace'] }),
    bpftrace: Flags.boolean({ description: 'a bpftrace program', exclusive: ['tracefs'] }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Probes);
    const era = eraOfKernel(flags.kernel);
    if (era === null) throw new KvmlogError('usage', `--kernel ${flags.kernel}: not a kernel release (give what uname -r prints, e.g. 6.12.117)`);
    this.out(flags.bpftrace ? bpftraceScript(flags.kernel, era) : tracefsScript(flags.kernel, era));
  }
}
