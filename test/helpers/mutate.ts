/** Mangled copies of real lines, the way a torn or garbled capture mangles them. */
import fc from 'fast-check';

/** One of `lines` with one of `pieces` put in at any place, up to three characters there taken out. */
export const mutationsOf = (lines: readonly string[], pieces: readonly string[]): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...lines), fc.nat(), fc.constantFrom(...pieces), fc.nat(3)).map(([line, at, ins, del]) => {
    const i = at % (line.length + 1);
    return line.slice(0, i) + ins + line.slice(i + del);
  });
