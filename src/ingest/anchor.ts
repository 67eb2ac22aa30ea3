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

export function anchorKey(text: string): number {
  return cyrb53(text.trim().replace(/\s+/g, ' '));
}

/** cyrb53 (public domain): a fast 53-bit string hash, exact in a double and in an SQLite integer. */
function cyrb53(str: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
