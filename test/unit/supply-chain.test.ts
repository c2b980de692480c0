import { expect } from 'chai';
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { provenancePath } from '../../src/components/cache.ts';
import { requireRootOnlyDir } from '../../src/components/dir-safety.ts';
import { md5sumsFile, parseMd5sums, verifyDebianFile } from '../../src/components/dpkg-md5sums.ts';
import { recipeOf } from '../../src/components/go-build.ts';
import { GO_PROXY, GO_SUMDB, goEnv } from '../../src/components/go-env.ts';
import { readGoSum, goSumHash, requireGoSumEntry } from '../../src/components/go-sum.ts';
import {
  loadManifest,
  platform,
  repoRoot as repo,
  type GoBuild,
  type Manifest,
} from '../../src/components/manifest.ts';
import { pinnedSha256, requirePinned, unpinned } from '../../src/components/pins.ts';
import { ensureComponents } from '../../src/components/components.ts';
import { provisionedRecords } from '../../src/components/provision.ts';
import { writeProvenance } from '../../src/components/provenance.ts';
import { EnvironmentError } from '../../src/util/errors.ts';
import { which } from '../../src/util/which.ts';
import { caught } from '../caught.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
/** Every temporary directory a test makes, removed when the file's tests are done. */
const made: string[] = [];
const tmp = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
};
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const isRoot = process.geteuid?.() === 0;

/** What a runner might have exported to weaken a build. */
const HOSTILE = {
  GOSUMDB: 'off',
  GOPROXY: 'direct',
  GONOSUMDB: '*',
  GONOSUMCHECK: '1',
  GONOPROXY: '*',
  GOPRIVATE: '*',
  GOINSECURE: '*',
  GOFLAGS: '-mod=mod',
  GOTOOLCHAIN: 'local',
  GOCACHEPROG: '/tmp/evil',
  GOEXPERIMENT: 'boringcrypto',
  CGO_ENABLED: '1',
};

describe('supply chain: the Go environment', () => {
  const toolchain = loadManifest().goToolchain;

  it('sets every setting that decides where code comes from, whatever the caller exported', () => {
    const env = goEnv({ toolchain }, { ...HOSTILE, PATH: '/usr/bin', GOCACHE: '/big/disk/go-build' });
    expect(env).to.include({
      GOSUMDB: GO_SUMDB,
      GOPROXY: GO_PROXY,
      GONOSUMDB: '',
      GONOSUMCHECK: '',
      GONOPROXY: '',
      GOPRIVATE: '',
      GOINSECURE: '',
      GOFLAGS: '-mod=readonly',
      GOTOOLCHAIN: toolchain,
      GOENV: 'off',
      GOWORK: 'off',
      CGO_ENABLED: '0',
    });
    expect(env).to.not.have.any.keys('GOCACHEPROG', 'GOEXPERIMENT');
    // Where caches live may be moved (disk space); that is all that passes.
    expect(env).to.include({ PATH: '/usr/bin', GOCACHE: '/big/disk/go-build' });
    expect(toolchain).to.match(/^go\d+\.\d+\.\d+$/);
  });

  it('a real go, started as setup starts it from a hostile environment and go env file, uses ours', async function () {
    this.timeout(60_000);
    if (!which('go') && !process.env.KHD_GO) this.skip();
    const goenvFile = path.join(tmp('khd-goenv-'), 'env');
    writeFileSync(goenvFile, 'GOSUMDB=off\nGOPROXY=direct\nGOFLAGS=-mod=mod\n');
    // A separate process, so the hostile values are in its process.env from the start.
    const r = await execa(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('${repo}/src/components/go-toolchain.ts').then(async (m) => console.log(JSON.stringify(await m.goEnvReport('${toolchain}', ['GOSUMDB', 'GOPROXY', 'GOFLAGS', 'GONOSUMDB', 'GOINSECURE', 'GOPRIVATE', 'GOTOOLCHAIN', 'GOVERSION']))))`,
      ],
      { cwd: repo, env: { ...HOSTILE, GOENV: goenvFile }, reject: false },
    );
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({
      GOSUMDB: GO_SUMDB,
      GOPROXY: GO_PROXY,
      GOFLAGS: '-mod=readonly',
      GONOSUMDB: '',
      GOINSECURE: '',
      GOPRIVATE: '',
      GOTOOLCHAIN: toolchain,
      GOVERSION: toolchain,
    });
  });
});

describe('supply chain: committed go.sum', () => {
  const m = loadManifest();

  it('every build has a committed go.sum that vouches for its modules at the pinned version', () => {
    for (const b of m.goBuilds) {
      const sum = readGoSum(b);
      for (const mod of [b.module, ...(b.extraModules ?? [])])
        expect(goSumHash(sum, mod, b.version), `${b.name}: ${mod}`).to.match(/^h1:/);
    }
  });

  it('refuses a module whose hash differs from go.sum, and names a version go.sum lacks', () => {
    const toxiproxy = m.goBuilds.find((b) => b.name === 'toxiproxy')!;
    const sum = readGoSum(toxiproxy);
    expect(caught(() => requireGoSumEntry(toxiproxy, sum, toxiproxy.module, 'h1:AAAA=')).message).to.include(
      'from the module proxy has hash h1:AAAA=, but components/toxiproxy/go.sum records h1:',
    );
    const bumped = { ...toxiproxy, version: 'v2.99.0' };
    const e = caught(() => requireGoSumEntry(bumped, sum, toxiproxy.module, 'h1:AAAA='));
    expect(e.message).to.include('has no hash for github.com/Shopify/toxiproxy/v2@v2.99.0');
    expect(e.fix).to.include('npm run setup -- --update-go-sum');
  });
});

describe('supply chain: cache ownership (as root)', () => {
  before(function () {
    if (!isRoot) this.skip(); // the check applies to root only, and chown needs root
  });

  it('refuses a cache directory owned by another user, naming it and the fix', () => {
    const dir = tmp('khd-cache-');
    chownSync(dir, 65534, 65534);
    const e = caught(() => requireRootOnlyDir(dir, 'component cache'));
    expect(e.message).to.equal(
      `component cache ${dir} is owned by uid 65534, not root: that user could replace what root runs from it`,
    );
    expect(e.fix).to.equal(
      `run \`chown root:root ${dir} && chmod go-w ${dir}\`, or set KHD_CACHE_DIR to a directory only root can write`,
    );
  });

  it('refuses a cache that others can write to, or that sits below a directory another user owns', () => {
    const open = tmp('khd-cache-');
    chmodSync(open, 0o777);
    expect(caught(() => requireRootOnlyDir(open, 'component cache')).message).to.include(
      `component cache ${open} is writable by group or others (mode 777)`,
    );
    const parent = tmp('khd-parent-');
    const cache = path.join(parent, 'cache');
    mkdirSync(cache);
    chownSync(parent, 65534, 65534);
    expect(caught(() => requireRootOnlyDir(cache, 'component cache')).message).to.include(
      `${parent} (above the component cache ${cache}) is owned by uid 65534`,
    );
    // Not made yet: decided by what exists above it.
    expect(
      caught(() => requireRootOnlyDir(path.join(cache, 'a', 'b'), 'component cache')).message,
    ).to.include('is owned by uid 65534');
  });

  it('accepts a root-only directory below the sticky /tmp, and checks nothing for other users', () => {
    const dir = tmp('khd-cache-');
    chmodSync(dir, 0o755);
    requireRootOnlyDir(dir, 'component cache');
    requireRootOnlyDir(path.join(dir, 'not', 'made', 'yet'), 'component cache');
    chownSync(dir, 65534, 65534);
    requireRootOnlyDir(dir, 'component cache', 'KHD_CACHE_DIR', 1000);
  });

  it('is checked where a drill resolves its components', () => {
    const dir = tmp('khd-cache-');
    chownSync(dir, 65534, 65534);
    const manifest: Manifest = { ...loadManifest(), debianPackages: [] };
    expect(caught(() => provisionedRecords(manifest, dir)).message).to.include('is owned by uid 65534');
  });
});

describe('supply chain: sha256 pins', () => {
  const base = loadManifest();
  const build = base.goBuilds.find((b) => b.name === 'toxiproxy')!;
  const bin = build.binaries[0]!;

  /**
   * A cache holding a "toxiproxy-server" (or the first binary of another build) whose record says it
   * was built with the current pins.
   */
  function cacheWith(content: string, b = build, root = tmp('khd-pins-')): { root: string; file: string } {
    const { name } = b.binaries[0]!;
    const file = path.join(root, 'components', b.name, b.version, 'bin', name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    writeProvenance(provenancePath(b.name, b.version, root), {
      build: b.name,
      module: b.module,
      version: b.version,
      goVersion: base.goToolchain,
      recipe: recipeOf(b, base.goToolchain, readGoSum(b)),
      binaries: [
        {
          name,
          path: file,
          sha256: sha256(content),
          bytes: content.length,
          builtAt: '2026-01-01T00:00:00Z',
          reportedVersion: `${name} version ${b.version}`,
        },
      ],
    });
    return { root, file };
  }

  function manifestPinning(pin: string | null): Manifest {
    const b = { ...build, binaries: [{ ...bin, sha256: { [platform()]: pin } }] };
    return { ...base, goBuilds: [b], debianPackages: [] };
  }

  it('a binary with the pinned bytes is verified by its pin', () => {
    const { root } = cacheWith('toxiproxy bytes');
    const { records, missing } = provisionedRecords(manifestPinning(sha256('toxiproxy bytes')), root);
    expect(missing).to.deep.equal([]);
    expect(records.map((r) => [r.name, r.verifiedBy])).to.deep.equal([[bin.name, 'sha256 pin']]);
  });

  it('a binary changed after it was built is refused before the run, with its path and both hashes', () => {
    const { root, file } = cacheWith('toxiproxy bytes');
    writeFileSync(file, 'a replaced binary');
    const e = caught(() => provisionedRecords(manifestPinning(sha256('toxiproxy bytes')), root));
    expect(e.message).to.equal(
      `${bin.name} (${file}) changed since it was built: sha256 ${sha256('a replaced binary')}, recorded ${sha256('toxiproxy bytes')}: refusing to run it`,
    );
    // The cache's own record does not vouch for anything: unpinned, it is refused the same way.
    expect(() => provisionedRecords(manifestPinning(null), root)).to.throw(EnvironmentError);
  });

  it('a build whose bytes are not the pinned ones is never used: it must be rebuilt and checked', () => {
    const { root } = cacheWith('bytes of some other build');
    const { records, missing } = provisionedRecords(manifestPinning(sha256('toxiproxy bytes')), root);
    expect(records).to.deep.equal([]);
    expect(missing).to.deep.equal([`${bin.name} ${build.version} (not the pinned sha256)`]);
    const e = caught(() => requirePinned(bin.name, '/c/bin/x', sha256('b'), sha256('a'), 'as just built'));
    expect(e.message).to.equal(
      `${bin.name} as just built (/c/bin/x) has sha256 ${sha256('b')}, but components.json pins ${sha256('a')} for ${platform()}: refusing to use it`,
    );
    expect(e.fix).to.include('npm run setup -- --record-hashes');
  });

  it('not pinned yet is a state of its own, never reported as verified', () => {
    const { root } = cacheWith('toxiproxy bytes');
    const m = manifestPinning(null);
    expect(provisionedRecords(m, root).records[0]!.verifiedBy).to.equal('not pinned');
    expect(unpinned(m)).to.deep.equal([bin.name]);
    expect(pinnedSha256({ ...bin, sha256: {} })).to.equal(null);
  });

  it('a build made from other pins (toolchain, flags, go.sum) is stale, not reused', () => {
    const { root } = cacheWith('toxiproxy bytes');
    const m = { ...manifestPinning(null), goToolchain: 'go1.99.0' };
    expect(provisionedRecords(m, root).missing).to.deep.equal([
      `${bin.name} ${build.version} (built from other pins)`,
    ]);
  });

  describe('optional groups', () => {
    /** toxiproxy built and pinned, beside the kind build of group "kind". */
    function withKind(): { manifest: Manifest; kind: GoBuild } {
      const m = manifestPinning(sha256('toxiproxy bytes'));
      const kind = base.goBuilds.find((b) => b.name === 'kind')!;
      expect(kind.group).to.equal('kind');
      return { manifest: { ...m, goBuilds: [...m.goBuilds, kind] }, kind };
    }

    it('a kind-group build not built is missing only when the kind group is asked for', async () => {
      const { root, file } = cacheWith('toxiproxy bytes');
      const { manifest } = withKind();
      expect(provisionedRecords(manifest, root).missing).to.deep.equal([]);
      expect(provisionedRecords(manifest, root, ['kind']).missing).to.deep.equal(['kind v0.31.0']);
      const components = await ensureComponents({ lazy: false, manifest, root });
      expect(components.path(bin.name)).to.equal(file);
      expect(() => components.path('kind')).to.throw('group "kind", which was not asked of');
      const refused = await ensureComponents({ lazy: false, manifest, root, groups: ['kind'] }).catch(
        (err: unknown) => err as EnvironmentError,
      );
      expect(refused).to.be.instanceOf(EnvironmentError);
      expect((refused as EnvironmentError).message).to.equal('not provisioned yet: kind v0.31.0');
      expect(caught(() => components.path('runc')).fix).to.equal('run `npm run setup`');
    });

    it('a kind-group binary, once built, is found by Components.path', async () => {
      const { root } = cacheWith('toxiproxy bytes');
      const { manifest, kind } = withKind();
      const { file } = cacheWith('kind bytes', kind, root);
      const pinned = manifest.goBuilds.map((b) =>
        b === kind
          ? { ...b, binaries: [{ ...b.binaries[0]!, sha256: { [platform()]: sha256('kind bytes') } }] }
          : b,
      );
      const components = await ensureComponents({
        lazy: false,
        manifest: { ...manifest, goBuilds: pinned },
        root,
        groups: ['kind'],
      });
      expect(components.path('kind')).to.equal(file);
      // A drill of the local provider does not look at (nor hash) the kind group at all.
      const local = await ensureComponents({
        lazy: false,
        manifest: { ...manifest, goBuilds: pinned },
        root,
      });
      expect(local.records.map((r) => r.name)).to.not.include('kind');
    });
  });
});

describe("supply chain: Debian binaries against dpkg's md5sums", () => {
  it('parses a recorded md5sums list', () => {
    const sums = parseMd5sums(fixture('dpkg/haproxy.md5sums'));
    expect(sums.get('/usr/sbin/haproxy')).to.equal('ef8c646b5da7de3c5fe2895cbef1da06');
    expect(parseMd5sums(fixture('dpkg/iproute2.md5sums')).get('/bin/ip')).to.equal(
      '3b7f2ca18247c3b2ecba344246fb3a85',
    );
  });

  /** A tiny "/" with dpkg's info directory: merged /usr, as on bookworm. */
  function system(pkgFile: string, listed: string, content: string) {
    const dir = tmp('khd-dpkg-');
    const root = path.join(dir, 'root');
    const info = path.join(dir, 'info');
    mkdirSync(path.join(root, 'usr', 'bin'), { recursive: true });
    mkdirSync(info);
    symlinkSync('usr/bin', path.join(root, 'bin'));
    writeFileSync(path.join(root, 'usr', 'bin', 'ip'), content);
    writeFileSync(
      path.join(info, pkgFile),
      `0123456789abcdef0123456789abcdef  usr/bin/ss\n${md5(content)}  ${listed}\n`,
    );
    return { root, info, file: path.join(root, 'usr', 'bin', 'ip') };
  }

  it('accepts the file the package installed, also reached through merged /usr', () => {
    const s = system('iproute2-test.md5sums', 'bin/ip', 'ip binary');
    expect(verifyDebianFile('iproute2-test', s.file, s.info, s.root)).to.equal(md5('ip binary'));
    const multiArch = system('libfoo:amd64.md5sums', 'bin/ip', 'x');
    expect(md5sumsFile('libfoo', multiArch.info)).to.match(/libfoo:amd64\.md5sums$/);
  });

  it('refuses a modified file, and a file the package does not own', () => {
    const s = system('iproute2-test.md5sums', 'bin/ip', 'ip binary');
    writeFileSync(s.file, 'patched ip binary');
    const e = caught(() => verifyDebianFile('iproute2-test', s.file, s.info, s.root));
    expect(e.message).to.equal(
      `${s.file} differs from what the Debian package iproute2-test installed: md5 ${md5('patched ip binary')}, dpkg recorded ${md5('ip binary')}`,
    );
    expect(e.fix).to.include('apt-get install --reinstall iproute2-test');
    const stray = path.join(path.dirname(s.file), '..', 'local-ip');
    writeFileSync(stray, 'x');
    const linked = path.join(s.root, 'ip');
    symlinkSync(stray, linked);
    expect(caught(() => verifyDebianFile('iproute2-test', linked, s.info, s.root)).message).to.include(
      'is not a file of the Debian package iproute2-test',
    );
  });

  it("this machine's haproxy passes, when installed", function () {
    const file = which('haproxy');
    if (!file || !md5sumsFile('haproxy')) this.skip();
    expect(verifyDebianFile('haproxy', file!)).to.match(/^[0-9a-f]{32}$/);
  });
});
