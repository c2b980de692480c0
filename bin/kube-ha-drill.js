#!/usr/bin/env node
// Thin launcher so `npx kube-ha-drill <command>` works without a build step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const [command = 'drill', ...rest] = process.argv.slice(2);
const entry = path.join(root, 'src', 'cli', `${command}.ts`);
const env = { ...process.env, INIT_CWD: process.env.INIT_CWD ?? process.cwd() };
const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...rest], {
  stdio: 'inherit',
  cwd: root,
  env,
});
process.exit(r.status ?? 3);
