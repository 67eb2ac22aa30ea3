import { Args, Flags } from '@oclif/core';
import { KvmlogCommand } from '../cli/base.js';
import { FORMATS, FORMAT_HELP, type Format } from '../ingest/formats/registry.js';

const PROGRESS_FROM_BYTES = 16 << 20;

/** A progress bar on stderr, loaded only when one is shown (cli-progress costs start-up time). */
async function progressBar(file: string): Promise<{ update: (bytes: number, total: number) => void; stop: () => void }> {
  const { SingleBar, Presets } = (await import('cli-progress')).default;
  const bar = new SingleBar(
    { format: `${file} [{bar}] {percentage}% | {value}/{total} MB | {rate} MB/s | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  const t0 = Date.now();
  return {
    update(bytes, total) {
      if (total < PROGRESS_FROM_BYTES) return;
      const mb = (n: number) => Math.round(n / 1e6);
      if (!started) {
        bar.start(mb(total), 0, { rate: '0' });
        started = true;
      }
      bar.update(mb(bytes), { rate: (bytes / 1e6 / Math.max((Date.now() - t0) / 1000, 0.001)).toFixed(0) });
    },
    stop: () => started && bar.stop(),
  };
}

export default class Import extends KvmlogCommand {
  static override summary = 'Import what a host recorded into the event store.';
  static override description = `Reads each FILE as a stream (- for stdin), recognizes its format, and appends every lifecycle transition it shows — VMXON/VMXOFF per CPU, kvm_usage_count, cpuhp callbacks, module load/unload, suspend, kexec, panic — as immutable events. An input is appended whole or not at all; importing the same content twice appends nothing the second time.

An input is split into boots where it shows a new kernel (a version banner, a journal boot id, stamps restarting after a panic or kexec); a kdump kernel follows the boot that crashed. Captures of the same boot (the trace, dmesg and /dev/kmsg of one run) join that boot by themselves, each fact stored once.

Lines of other subsystems are counted, not stored. A line that looks like a lifecycle signal but cannot be read is reported as a warning with its file:line.

Formats:
${FORMATS.map((f) => `  ${f.padEnd(10)} ${FORMAT_HELP[f]}`).join('\n')}`;

  static override examples = [
    '<%= config.bin %> import /sys/kernel/tracing/trace',
    '<%= config.bin %> import trace.txt dmesg.txt kmsg.txt   # three captures of one run: one boot',
    'journalctl -k -o json | <%= config.bin %> import -',
    '<%= config.bin %> import console.log /var/crash/*/vmcore-dmesg.txt',
    '<%= config.bin %> import --boot-time 2026-11-18T11:58:02Z trace.txt',
  ];

  static override strict = false;
  static override args = {
    file: Args.string({ description: 'input file, or - for stdin', required: true }),
  };

  static override flags = {
    format: Flags.string({ description: 'input format', options: ['auto', ...FORMATS], default: 'auto' }),
    host: Flags.string({ description: 'host name for the boots (default: the file name)' }),
    boot: Flags.string({ description: 'attach the input to this existing boot (full id from kvmlog boots)' }),
    strict: Flags.boolean({ description: 'fail the import, appending nothing, if any relevant line cannot be read' }),
    progress: Flags.boolean({ description: 'show a progress bar with rate and ETA (on a terminal, for inputs over 16 MB)', default: true, allowNo: true }),
    'boot-time': Flags.string({
      description: 'wall-clock time of kernel time 0 (2026-11-18T11:58:02Z), for inputs whose own stamps are only kernel or only wall-clock time',
    }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Import);
    const files = argv as string[];
    const { checkInputs, importFile } = await import('../app/import-files.js');
    await checkInputs(files);
    const { importJson, importText } = await import('../render/import.js');
    const format = flags.format === 'auto' ? undefined : (flags.format as Format);
    const { bootTimeFlag } = await import('../cli/time-flag.js');
    const bootWallNs = bootTimeFlag(flags['boot-time']);
    const results = await this.withStore(flags.db, 'write', async (store) => {
      const out = [];
      for (const file of files) {
        const bar = flags.progress && process.stderr.isTTY ? await progressBar(file) : null;
        const r = await importFile(store, file, { format, host: flags.host, boot: flags.boot, strict: flags.strict, bootWallNs, onProgress: bar?.update }).finally(() => bar?.stop());
        if (!flags.json) this.note(importText(r));
        out.push(r);
      }
      return out;
    });
    if (flags.json) this.out(JSON.stringify(importJson(results)));
  }
}
