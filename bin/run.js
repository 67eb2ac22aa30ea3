#!/usr/bin/env node
// The built CLI: oclif from its one-file bundle (scripts/build.js), shared with the bundled commands.
import { execute } from '../dist/oclif-core.js';

await execute({ dir: import.meta.url });
