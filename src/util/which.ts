import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Absolute path of a program on PATH (plus the sbin directories root tools live in), or undefined. */
export function which(program: string, envPath = process.env.PATH ?? ''): string | undefined {
  if (program.includes('/')) return program;
  const dirs = [...envPath.split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean);
  for (const dir of dirs) {
    const file = path.join(dir, program);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}
