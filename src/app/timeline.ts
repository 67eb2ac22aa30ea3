/** The timeline of a boot — its walk (the one fold, with the rules) drawn as intervals, steps and markers — and what shows it. */
import { KvmlogError } from '../errors.js';
import type { Boot } from '../model/boot.js';
import { RULES } from '../model/rules/catalogue.js';
import { formatNs } from '../model/time.js';
import { type Timeline, buildTimeline } from '../model/timeline.js';
import { walk } from '../model/walk.js';
import type { Store } from '../store/db.js';
import { listBoots, readEvents, resolveBoot } from '../store/read.js';
import { type When, inBoot } from './when.js';

export function timelineOf(store: Store, boot: Boot): Timeline {
  const w = walk(boot.id, boot.era, readEvents(store, { boot: boot.id }), RULES);
  return buildTimeline(w.steps, () => w.end());
}

export interface BootTimeline {
  readonly boot: Boot;
  readonly timeline: Timeline;
}

/** Every boot, or the one `--boot` names. */
export function timelines(store: Store, bootRef: string | undefined): BootTimeline[] {
  const boots = bootRef === undefined ? listBoots(store) : [resolveBoot(store, bootRef).boot];
  return boots.map((boot) => ({ boot, timeline: timelineOf(store, boot) }));
}

export interface TimelineWindow extends BootTimeline {
  readonly note: string | null;
  readonly fromNs: bigint;
  readonly toNs: bigint;
}

/** `kvmlog timeline`: one boot over a window, by default all of it. */
export function timelineWindow(store: Store, q: { readonly boot?: string | undefined; readonly from?: When | undefined; readonly to?: When | undefined }): TimelineWindow {
  const { boot, note } = resolveBoot(store, q.boot);
  const timeline = timelineOf(store, boot);
  const fromNs = inBoot('--from', q.from, boot) ?? timeline.firstNs;
  const toNs = inBoot('--to', q.to, boot) ?? timeline.lastNs;
  if (toNs < fromNs) throw new KvmlogError('usage', `--to ${formatNs(toNs)} is before --from ${formatNs(fromNs)}`);
  return { boot, note, timeline, fromNs, toNs };
}
