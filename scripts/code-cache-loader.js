// dist/code-cache.js: loads a CommonJS bundle of a dependency (dist/<name>.cjs) compiled from the V8 code the
// build saved beside it (scripts/code-cache.js). A command's start-up is mostly compiling and running modules,
// and Node 20 keeps no compile cache of its own. A cache from another Node or other V8 flags is rejected by V8,
// which then compiles the source: slower, never wrong.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** The bundle's exports, whether V8 took the saved code, and (for the build) a way to save it. */
export function loadCached(url) {
  const file = fileURLToPath(url);
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // A vm script has no module loader for import(): the bundle's dynamic imports (oclif's of commands) are
  // rewritten by the build to __import, this module's.
  const wrapped = `(function (exports, require, module, __filename, __dirname, __import) {${readFileSync(file, 'utf8')}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file), (specifier) => import(specifier));
  return {
    exports: module.exports,
    rejected: cachedData === undefined || script.cachedDataRejected === true,
    /** V8's code for all compiled so far: after a run, the functions it compiled lazily too. */
    save: () => writeFileSync(cacheFile, script.createCachedData()),
  };
}
