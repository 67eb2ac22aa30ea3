#!/usr/bin/env -S node --import tsx
// Runs the TypeScript sources directly. A stale manifest would hide new commands, so it goes first.
import { rmSync } from 'node:fs';
import { execute } from '@oclif/core';

rmSync(new URL('../oclif.manifest.json', import.meta.url), { force: true });
await execute({ development: true, dir: import.meta.url });
