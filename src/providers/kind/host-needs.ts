import { existsSync } from 'node:fs';
import { boundingSet, missingCapabilities } from '../../components/docker-daemon.ts';
import type { HostNeeds } from './kind-config.ts';

const CAP_SYS_RESOURCE = 24;

/** What this machine lacks that kind's defaults assume (read from /sys and /proc). */
export function hostNeeds(): HostNeeds {
  return {
    cgroupV1: !existsSync('/sys/fs/cgroup/cgroup.controllers'),
    noSysResource: missingCapabilities(boundingSet()).includes(CAP_SYS_RESOURCE),
  };
}
