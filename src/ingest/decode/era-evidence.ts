/** The eras a boot's kernel may be of, narrowed by the kernel functions its trace shows (symbols.ts). */
import { ERAS, type Era } from '../../model/era.js';
import { SYMBOLS, type SymbolInfo } from './symbols.js';

export class EraEvidence {
  private lo = 0;
  private hi = ERAS.length - 1;
  private seen = false;

  /** A function the trace showed, by name. */
  name(fn: string): void {
    const info = SYMBOLS.get(fn);
    if (info) this.symbol(info);
  }

  symbol(info: SymbolInfo): void {
    if (!info.eras) return;
    this.seen = true;
    this.lo = Math.max(this.lo, ERAS.indexOf(info.eras[0]));
    this.hi = Math.min(this.hi, ERAS.indexOf(info.eras[1]));
  }

  /** The narrowest era range the functions seen allow, or null when they said nothing. */
  range(): readonly [Era, Era] | null {
    if (!this.seen || this.lo > this.hi) return null;
    return [ERAS[this.lo]!, ERAS[this.hi]!];
  }
}
