// dist/oclif-core.js: the one @oclif/core every kvmlog bundle imports (scripts/build.js copies this file there).
// A command's start-up is mostly compiling and running modules, and Node 20 keeps no compile cache of its own:
// the bundle (dist/oclif-core.cjs, ~0.7 MB) is compiled from the V8 code the build saved beside it, which saves
// ~20 ms of each call. A cache from another Node or V8 flags is rejected by V8, which then compiles the source.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const file = fileURLToPath(new URL('./oclif-core.cjs', import.meta.url));
const cacheFile = `${file}.v8cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// A script has no module loader of its own for import(): oclif's dynamic imports of commands are this module's.
const wrapped = `(function (exports, require, module, __filename, __dirname, __import) {${readFileSync(file, 'utf8')}\n})`;
const script = new Script(wrapped, { filename: file, cachedData });
const module = { exports: {} };
script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file), (specifier) => import(specifier));

export const { Args, Command, Config, Errors, Flags, Help, Plugin, execute, flush, handle, run, settings, ux } = module.exports;

/** For the build: whether V8 took the saved code. */
export const codeCacheRejected = cachedData === undefined || script.cachedDataRejected === true;

/** For the build: saves V8's code for all compiled so far, the functions a run compiled lazily included. */
export function saveCodeCache() {
  writeFileSync(cacheFile, script.createCachedData());
}
