#!/usr/bin/env node
// Thin launcher so `npx kube-ha-drill <command>` works without a build step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// Only the tool's own commands: the name becomes a path, so "../../tmp/x" would run /tmp/x.ts as root.
const COMMANDS = ['drill', 'cluster', 'setup'];

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const [command = 'drill', ...rest] = process.argv.slice(2);
if (command === '--help' || command === '-h') {
  process.stdout.write(
    `usage: kube-ha-drill <${COMMANDS.join(' | ')}> [arguments]; <command> --help for each\n`,
  );
  process.exit(0);
}
if (!COMMANDS.includes(command)) {
  process.stderr.write(
    `error: unknown command ${JSON.stringify(command)}; known: ${COMMANDS.join(', ')}\n` +
      '  fix: e.g. `kube-ha-drill drill etcd-partition`; `kube-ha-drill drill --help` shows the options\n',
  );
  process.exit(2);
}
const entry = path.join(root, 'src', 'cli', `${command}.ts`);
const env = { ...process.env, INIT_CWD: process.env.INIT_CWD ?? process.cwd() };
const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...rest], {
  stdio: 'inherit',
  cwd: root,
  env,
});
process.exit(r.status ?? 3);
