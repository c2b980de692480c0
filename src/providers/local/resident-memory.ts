import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cmdline } from '../../util/proc.ts';
import { processesOf } from './teardown.ts';

/** Resident memory (VmRSS) of every process of the cluster in `dir`, by program, in MiB. */
export function residentMemoryOf(dir: string): Map<string, number> {
  const byName = new Map<string, number>();
  for (const pid of processesOf(dir)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const name = path.basename((cmdline(pid) ?? '?').split(' ')[0]!);
      const label = name === 'node' ? 'supervisor (node)' : name;
      byName.set(label, (byName.get(label) ?? 0) + kb / 1024);
    } catch {
      // exited meanwhile
    }
  }
  return byName;
}
