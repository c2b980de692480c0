import { cacheRoot } from '../components/cache.ts';
import { Components } from '../components/components.ts';
import { ensureKindImages } from '../providers/kind/images/kind-images.ts';
import { loadManifest } from '../components/manifest.ts';
import { unpinnedWarning } from '../components/pins.ts';
import { provision } from '../components/provision.ts';
import { formatDuration } from '../util/progress.ts';
import { parseSetupArgs, SETUP_USAGE } from './setup-args.ts';

/** `setup`: installs and builds the pinned components into the cache. */
export async function setupCommand(argv: readonly string[]): Promise<number> {
  const cmd = parseSetupArgs(argv);
  if (cmd.command === 'help') {
    console.log(SETUP_USAGE);
    return 0;
  }
  const t0 = Date.now();
  const records = await provision(loadManifest(), cmd.options);
  const rows = records.map((r) => [r.name, r.version, r.sha256, r.verifiedBy, r.builtAt ?? `debian`, r.path]);
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((row) => row[i]!.length), 10));
  const header = ['component', 'version', 'sha256', 'verified by', 'built', 'path'];
  for (const row of [header, ...rows])
    console.log(row.map((c, i) => (i < 5 ? c.padEnd(widths[i]!) : c)).join('  '));
  if (cmd.options.groups.includes('kind')) {
    const images = await ensureKindImages(new Components(loadManifest(), records, cmd.options.groups), {
      force: cmd.options.force,
    });
    console.log(`kind node image: ${images.node}`);
    console.log(`kind load balancer image: ${images.loadBalancer} (as ${images.kindLoadBalancer})`);
  }
  const notPinned = records.filter((r) => r.verifiedBy === 'not pinned').map((r) => r.name);
  if (notPinned.length > 0) console.warn(unpinnedWarning(notPinned));
  console.log(`setup done in ${formatDuration(Date.now() - t0)}; cache: ${cacheRoot()}`);
  return 0;
}
