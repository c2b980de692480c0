import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface BinaryRecord {
  name: string;
  path: string;
  sha256: string;
  bytes: number;
  builtAt: string;
  /** The line of its version output that matched the pin. */
  reportedVersion: string;
}

export interface Provenance {
  build: string;
  module: string;
  version: string;
  goVersion: string;
  /** Fingerprint of the pins the build was made from (toolchain, module, flags, go.sum). */
  recipe?: string;
  binaries: BinaryRecord[];
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function readProvenance(file: string): Provenance | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Provenance;
  } catch {
    return undefined;
  }
}

export function writeProvenance(file: string, p: Provenance): void {
  writeFileSync(file, JSON.stringify(p, null, 2) + '\n');
}
