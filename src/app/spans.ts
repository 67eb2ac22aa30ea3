/** `kvmlog spans`: the stored intervals of one boot's CPUs (online, post-VMXON, TDX LP-init). */
import type { Boot } from '../model/boot.js';
import type { Span, SpanKind } from '../model/projection.js';
import type { Store } from '../store/db.js';
import { readSpans } from '../store/projections/queries.js';
import { resolveBoot } from '../store/read.js';
import { type When, inBoot } from './when.js';

export interface SpansQuery {
  readonly boot?: string | undefined;
  readonly kind?: SpanKind | undefined;
  readonly cpu?: number | undefined;
  readonly from?: When | undefined;
  readonly to?: When | undefined;
}

export interface SpansView {
  readonly boot: Boot;
  readonly note: string | null;
  readonly spans: readonly Span[];
}

export function spansOf(store: Store, q: SpansQuery): SpansView {
  const { boot, note } = resolveBoot(store, q.boot);
  const spans = readSpans(store, { boot: boot.id, kind: q.kind, cpu: q.cpu, fromNs: inBoot('--from', q.from, boot), toNs: inBoot('--to', q.to, boot) });
  return { boot, note, spans };
}
