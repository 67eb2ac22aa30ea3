/** Two busy boots that print the same kinds of lines at similar times are still two boots; two imports at once both land. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generate } from '../helpers/generate.js';
import { json, kvmlog, scratch } from '../helpers/cli.js';

describe('boots that look alike', () => {
  const s = scratch();
  after(() => s.cleanup());

  it('two different dense traces are not joined by chance, even imported at the same time', async () => {
    const a = join(s.dir, 'a.txt');
    const b = join(s.dir, 'b.txt');
    await generate(a, 300_000, 0.05, 1);
    await generate(b, 60_000, 0.05, 2);
    // The larger import holds the write lock for a while; the other waits for it rather than fail.
    const [ra, rb] = await Promise.all([kvmlog(['import', '--db', s.db, a]), kvmlog(['import', '--db', s.db, b])]);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    const boots = await json<{ id: string; host: string }[]>(['boots', '--db', s.db]);
    assert.deepEqual(boots.map((x) => x.host).sort(), ['a', 'b']);
  });
});
