#!/usr/bin/env node
// The built CLI: oclif from its one-file bundle (scripts/build.js), shared with the bundled commands.
// kvmlog has no user-installable plugins: oclif need not look for them in the user's data directory.
import { fileURLToPath } from 'node:url';
import { execute } from '../dist/oclif-core.js';

await execute({ loadOptions: { root: fileURLToPath(new URL('..', import.meta.url)), userPlugins: false } });
