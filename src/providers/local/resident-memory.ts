import path from 'node:path';
import { cmdline, residentMemoryBy } from '../../util/proc.ts';
import { processesOf } from './teardown.ts';

/** Resident memory (VmRSS) of every process of the cluster in `dir`, by program, in MiB. */
export function residentMemoryOf(dir: string): Map<string, number> {
  return residentMemoryBy(processesOf(dir), (pid) => {
    const name = path.basename((cmdline(pid) ?? '?').split(' ')[0]!);
    return name === 'node' ? 'supervisor (node)' : name;
  });
}
