import type { Generated } from 'kysely';

/** Table types for kysely; time_ns is read as bigint through `safeIntegers` (see store/read.ts). */
export interface SourcesTable {
  id: Generated<number>;
  sha256: string;
  path: string;
  format: string;
  imported_at: string;
  lines: number;
  events: number;
}

export interface BootsTable {
  id: string;
  host: string;
  kind: string;
  kernel: string | null;
  era: string | null;
  cmdline: string | null;
  previous: string | null;
  source_id: number;
  boot_wall_ns: bigint | null;
  /** 1: made from an input that named no boot, and nothing since identified it. */
  provisional: number;
  /** The boot this one turned out to be: its events moved there. */
  merged_into: string | null;
}

export interface AnchorsTable {
  boot_id: string;
  time_ns: bigint;
  key: number;
}

export interface EventsTable {
  seq: Generated<number>;
  boot_id: string;
  time_ns: bigint;
  cpu: number | null;
  type: string;
  fields: string;
  /** Hash chain (src/model/chain.ts); null only if something wrote around kvmlog. */
  hash: string | null;
  source_id: number;
  line: number;
  raw: string;
  /** The clock `time_ns` is on: `kernel`, or another clock's name while it is not aligned. */
  clock: Generated<string>;
  /** How far the fact's own instant may be from `time_ns`. */
  uncertainty_ns: Generated<bigint>;
}

/** A sighting a more precise one of the same fact replaced (derived: rebuilt from the events). */
export interface SupersededTable {
  seq: number;
  by_seq: number;
}

/** A block of records on another clock, aligned to a boot's kernel time from evidence, or found not alignable. */
export interface ClockAlignmentsTable {
  boot_id: string;
  clock: string;
  source_id: number;
  offset_ns: bigint | null;
  evidence: number;
  spread_ns: bigint | null;
  first_line: number;
}

export interface CheckpointsTable {
  boot_id: string;
  time_ns: bigint;
  seq: number;
  version: number;
  state: string;
}

export interface SpansTable {
  boot_id: string;
  cpu: number;
  kind: string;
  from_ns: bigint;
  to_ns: bigint | null;
  from_seq: number;
  to_seq: number | null;
  version: number;
}

export interface ProjectedBootsTable {
  boot_id: string;
  version: number;
  cpus: string;
  first_ns: bigint | null;
  last_ns: bigint | null;
  events: number;
  last_seq: number;
}

export interface DB {
  sources: SourcesTable;
  boots: BootsTable;
  events: EventsTable;
  anchors: AnchorsTable;
  checkpoints: CheckpointsTable;
  spans: SpansTable;
  projected_boots: ProjectedBootsTable;
  superseded: SupersededTable;
  clock_alignments: ClockAlignmentsTable;
}
