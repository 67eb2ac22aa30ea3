/**
 * Anchors: the lines by which two inputs of one boot recognize each other. The same kernel line reaches
 * several captures — a dmesg and a /dev/kmsg dump carry the same printk records, a tp_printk'd tracepoint
 * is in both the trace and the log — at the same kernel time, give or take the printk delay.
 */
export interface Anchor {
  readonly timeNs: bigint;
  /** A 53-bit hash of the line's text with its whitespace normalized. */
  readonly key: number;
}

/**
 * cyrb53 (public domain), a fast 53-bit string hash, exact in a double and in an SQLite integer, of the text
 * trimmed and with each run of whitespace (JavaScript's `\s`) made one space — computed in one pass, without
 * making that text: anchors are taken from the first few thousand lines of every input, while its code is cold.
 * Stored keys must never change: test/ingest/anchor.test.ts holds it to the two-step definition.
 */
export function anchorKey(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  let started = false;
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (isSpace(ch)) {
      space = started;
      continue;
    }
    if (space) {
      h1 = Math.imul(h1 ^ 32, 2654435761);
      h2 = Math.imul(h2 ^ 32, 1597334677);
      space = false;
    }
    started = true;
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** JavaScript's `\s` (and what `trim` removes): WhiteSpace and LineTerminator code units. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
