/** The timeline of one boot: its walk (the one fold, with the rules) drawn as intervals, steps and markers. */
import { RULES } from '../model/rules/catalogue.js';
import { type Timeline, buildTimeline } from '../model/timeline.js';
import { walk } from '../model/walk.js';
import type { Store } from '../store/db.js';
import { type BootRow, readEvents } from '../store/read.js';

export function timelineOf(store: Store, boot: BootRow): Timeline {
  const w = walk(boot.id, boot.era, readEvents(store, { boot: boot.id }), RULES);
  return buildTimeline(w.steps, () => w.end());
}
