import { cacheRoot } from '../components/cache.ts';
import { loadManifest } from '../components/manifest.ts';
import { provision } from '../components/provision.ts';
import { UsageError } from '../util/errors.ts';
import { formatDuration } from '../util/progress.ts';
import { main } from './main.ts';

const USAGE = `usage: npm run setup [-- --force]

Installs the Debian packages and builds the pinned upstream binaries of
components.json into ${cacheRoot()} (set KHD_CACHE_DIR to move it).
  --force   rebuild Go binaries even when a verified build is cached`;

main(async (argv) => {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = argv.filter((a) => a !== '--force');
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown.join(' ')}`, USAGE);
  const t0 = Date.now();
  const records = await provision(loadManifest(), { force: argv.includes('--force') });
  const rows = records.map((r) => [r.name, r.version, r.sha256, r.builtAt ?? `debian`, r.path]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length), 10));
  const header = ['component', 'version', 'sha256', 'built', 'path'];
  for (const row of [header, ...rows])
    console.log(row.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join('  '));
  console.log(`setup done in ${formatDuration(Date.now() - t0)}; cache: ${cacheRoot()}`);
  return 0;
});
