// Writes oclif.manifest.json from the built commands, so `--help` and command lookup do not import
// every command module at start-up. Equivalent to `oclif manifest` without its ~185 dependencies.
import { writeFileSync } from 'node:fs';
import { Plugin } from '@oclif/core';

const plugin = new Plugin({ root: process.cwd(), type: 'core', ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
writeFileSync('oclif.manifest.json', `${JSON.stringify(plugin.manifest, null, 2)}\n`);
console.error(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`);
