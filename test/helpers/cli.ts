/** Runs the built CLI as a user would: a child process, its stdout, stderr and exit status. */
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'run.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const fixture = (...parts: string[]): string => join(FIXTURES, ...parts);

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function kvmlog(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: opts.cwd ?? ROOT, env: { ...process.env, NODE_ENV: 'production', ...opts.env }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}

/** Starts kvmlog and hands back the process (to kill it) with its outcome. */
export function startKvmlog(args: readonly string[]): { child: ChildProcess; done: Promise<Run> } {
  let child!: ChildProcess;
  const done = new Promise<Run>((resolve) => {
    child = execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : err.signal ? 128 + 9 : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin!.end();
  });
  return { child, done };
}

/** A fresh directory for one test's database, removed afterwards. */
export function scratch(): { dir: string; db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kvmlog-test-'));
  return { dir, db: join(dir, 'kvmlog.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function json<T = unknown>(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<T> {
  const r = await kvmlog([...args, '--json'], { env });
  if (r.code !== 0) throw new Error(`kvmlog ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export async function ndjson<T = Record<string, unknown>>(args: readonly string[]): Promise<T[]> {
  const r = await kvmlog([...args, '--json']);
  if (r.code !== 0) throw new Error(`kvmlog ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export interface StateJson {
  boot: string;
  atNs: string;
  kvm: { loaded: boolean | null; usageCount: number | null; cpuhpRegistered: boolean | null };
  tdx: { module: string };
  system: { state: string };
  cpus: { cpu: number; online: boolean | null; virt: 'on' | 'off' | 'unknown'; tdx: boolean | null }[];
}

export const stateAt = (db: string, at: string, boot?: string): Promise<StateJson> =>
  json<StateJson>(['state', '--db', db, '--at', at, ...(boot ? ['--boot', boot] : [])]);

export const virtOf = (s: StateJson): Record<number, string> => Object.fromEntries(s.cpus.map((c) => [c.cpu, c.virt]));
export const onlineOf = (s: StateJson): Record<number, boolean | null> => Object.fromEntries(s.cpus.map((c) => [c.cpu, c.online]));
