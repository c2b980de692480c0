import { cacheRoot } from '../components/cache.ts';
import { loadManifest } from '../components/manifest.ts';
import { unpinnedWarning } from '../components/pins.ts';
import { provision } from '../components/provision.ts';
import { UsageError } from '../util/errors.ts';
import { formatDuration } from '../util/progress.ts';
import { main } from './main.ts';

const FLAGS = ['--force', '--update-go-sum', '--record-hashes'];

const USAGE = `usage: npm run setup [-- --force] [-- --update-go-sum] [-- --record-hashes]

Installs the Debian packages and builds the pinned upstream binaries of
components.json into ${cacheRoot()} (set KHD_CACHE_DIR to move it).
Builds use the committed components/<build>/go.sum (-mod=readonly), the pinned
goToolchain, and must give the sha256 pinned in components.json.
  --force          rebuild Go binaries even when a verified build is cached
  --update-go-sum  record components/<build>/go.sum anew (after changing a
                   version; every new hash is checked against sum.golang.org)
  --record-hashes  build afresh whatever has no sha256 pin for this platform
                   and write its sha256 into components.json`;

main(async (argv) => {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = argv.filter((a) => !FLAGS.includes(a));
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown.join(' ')}`, USAGE);
  const t0 = Date.now();
  const records = await provision(loadManifest(), {
    force: argv.includes('--force'),
    updateGoSum: argv.includes('--update-go-sum'),
    recordHashes: argv.includes('--record-hashes'),
  });
  const rows = records.map((r) => [r.name, r.version, r.sha256, r.verifiedBy, r.builtAt ?? `debian`, r.path]);
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((row) => row[i]!.length), 10));
  const header = ['component', 'version', 'sha256', 'verified by', 'built', 'path'];
  for (const row of [header, ...rows])
    console.log(row.map((c, i) => (i < 5 ? c.padEnd(widths[i]!) : c)).join('  '));
  const notPinned = records.filter((r) => r.verifiedBy === 'not pinned').map((r) => r.name);
  if (notPinned.length > 0) console.warn(unpinnedWarning(notPinned));
  console.log(`setup done in ${formatDuration(Date.now() - t0)}; cache: ${cacheRoot()}`);
  return 0;
});
