import { buildOf, loadManifest, type Manifest, type OptionalGroup } from './manifest.ts';
import { unpinnedWarning } from './pins.ts';
import { provision, provisionedRecords, type ComponentRecord } from './provision.ts';
import { EnvironmentError } from '../util/errors.ts';
import { progress } from '../util/progress.ts';

/** The provisioned binaries, looked up by name (kube-apiserver, etcd, haproxy, ...). */
export class Components {
  private readonly byName: Map<string, ComponentRecord>;
  constructor(
    readonly manifest: Manifest,
    readonly records: ComponentRecord[],
    /** The optional groups these records were looked up for. */
    readonly groups: readonly OptionalGroup[] = [],
  ) {
    this.byName = new Map(records.map((r) => [r.name, r]));
  }

  /** The sha256 of a component's binary, as checked against its pin when the records were made. */
  sha256(name: string): string {
    this.path(name); // throws, with the fix, when it is not provisioned
    return this.byName.get(name)!.sha256;
  }

  path(name: string): string {
    const rec = this.byName.get(name);
    if (rec) return rec.path;
    const group = buildOf(this.manifest, name)?.build.group;
    if (group && !this.groups.includes(group))
      throw new Error(`component ${name} is of group "${group}", which was not asked of ensureComponents`);
    if (group) {
      throw new EnvironmentError(
        `component ${name} (group "${group}" of components.json) is not built`,
        `run \`npm run setup -- ${group}\``,
      );
    }
    throw new EnvironmentError(`component ${name} is not provisioned`, 'run `npm run setup`');
  }
}

/**
 * Returns the components, building whatever is missing first when `lazy` is
 * set (the default for drills and tests, so a fresh machine just works), or
 * naming the exact command to run when it is not.
 */
export async function ensureComponents(
  opts: { lazy?: boolean; manifest?: Manifest; root?: string; groups?: readonly OptionalGroup[] } = {},
): Promise<Components> {
  const manifest = opts.manifest ?? loadManifest();
  const groups = opts.groups ?? [];
  const { records, missing } = provisionedRecords(manifest, opts.root, groups);
  const notPinned = records.filter((r) => r.verifiedBy === 'not pinned').map((r) => r.name);
  if (notPinned.length > 0) progress(unpinnedWarning(notPinned));
  if (missing.length === 0) return new Components(manifest, records, groups);
  if (opts.lazy === false || process.env.KHD_NO_LAZY_SETUP === '1') {
    throw new EnvironmentError(
      `not provisioned yet: ${missing.join(', ')}`,
      'run `npm run setup` (a cold build takes many minutes)',
    );
  }
  progress(`components missing (${missing.join(', ')}): provisioning them now, as \`npm run setup\` would`);
  // The default group and the groups asked for (a first `--provider kind` builds the kind group).
  const built = await provision(manifest, { root: opts.root, groups });
  const names = new Set(built.map((r) => r.name));
  return new Components(manifest, [...built, ...records.filter((r) => !names.has(r.name))], groups);
}
