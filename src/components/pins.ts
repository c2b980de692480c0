import { readFileSync, writeFileSync } from 'node:fs';
import { defaultManifestPath, parseManifest, platform, type GoBinary, type Manifest } from './manifest.ts';
import { EnvironmentError } from '../util/errors.ts';

/** The sha256 components.json expects for a binary on this platform; null when not pinned yet. */
export function pinnedSha256(bin: GoBinary, plat = platform()): string | null {
  return bin.sha256[plat] ?? null;
}

export const RECORD_HASHES = 'npm run setup -- --record-hashes';

/** Binaries whose sha256 is not pinned for this platform: built and run, but vouched for by nothing. */
export function unpinned(manifest: Manifest, plat = platform()): string[] {
  return manifest.goBuilds.flatMap((b) =>
    b.binaries.filter((x) => !pinnedSha256(x, plat)).map((x) => x.name),
  );
}

export function unpinnedWarning(names: string[], plat = platform()): string {
  return (
    `warning: no sha256 pinned in components.json for ${plat} for ${names.join(', ')}: ` +
    `these are checked only against the cache's own record; pin them with \`${RECORD_HASHES}\` and commit components.json`
  );
}

/** Refuses a binary whose bytes are not the pinned ones. */
export function requirePinned(
  name: string,
  file: string,
  actual: string,
  expected: string,
  when: string,
): void {
  if (actual === expected) return;
  throw new EnvironmentError(
    `${name} ${when} (${file}) has sha256 ${actual}, but components.json pins ${expected} for ${platform()}: refusing to use it`,
    `delete ${file} and run \`npm run setup\` to rebuild it; if the same sha256 comes back and components.json changed on purpose (version, toolchain, ldflags), set the pin to null and run \`${RECORD_HASHES}\``,
  );
}

/**
 * Writes the given hashes into the not-yet-pinned entries of components.json (never over a pin:
 * a differing pin is a failure to look into, and is set to null by hand when a change is intended).
 */
export async function recordPins(hashes: Map<string, string>, file = defaultManifestPath): Promise<string[]> {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  const plat = platform();
  const recorded: string[] = [];
  for (const build of data.goBuilds)
    for (const bin of build.binaries) {
      const h = hashes.get(bin.name);
      if (h && !bin.sha256[plat]) {
        bin.sha256 = { ...bin.sha256, [plat]: h };
        recorded.push(bin.name);
      }
    }
  parseManifest(data, file);
  let text = JSON.stringify(data, null, 2) + '\n';
  try {
    // Keep the file as `npm run lint` wants it; prettier is a dev dependency, so it may be absent.
    const prettier = await import('prettier');
    text = await prettier.format(text, { ...(await prettier.resolveConfig(file)), filepath: file });
  } catch {
    // plain JSON is still valid; `npm run format` tidies it
  }
  writeFileSync(file, text);
  return recorded;
}
