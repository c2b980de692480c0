#!/usr/bin/env node
// Thin launcher so `npx kube-ha-drill <command>` works without a build step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// Always the one entry, which runs only the tool's own commands: no argument becomes a path to run
// (as root, "../../tmp/x" would otherwise run /tmp/x.ts).
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entry = path.join(root, 'src', 'cli', 'kube-ha-drill.ts');
// Relative paths the user gives (--report-dir, a scenario file) are resolved against where they ran it.
const env = { ...process.env, INIT_CWD: process.env.INIT_CWD ?? process.cwd() };
const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
  env,
});
process.exit(r.status ?? 3);
