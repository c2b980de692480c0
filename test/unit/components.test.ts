import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseManifest, loadManifest, buildOf, buildsOf } from '../../src/components/manifest.ts';
import { checkReportedVersion, expand, versionVars } from '../../src/components/version-check.ts';
import { recipeOf, stagingModules, stagingVersion, wrapperGoMod } from '../../src/components/go-build.ts';
import { parseGoVersion, versionAtLeast } from '../../src/components/go-toolchain.ts';
import { verifyVersion } from '../../src/components/provision.ts';
import { EnvironmentError, UsageError } from '../../src/util/errors.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('components manifest', () => {
  it('the checked-in manifest is valid and pins every part the cluster needs', () => {
    const m = loadManifest();
    for (const name of [
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kubectl',
      'etcd',
      'etcdctl',
      'etcdutl',
      'coredns',
      'k6',
      'kwok',
      'toxiproxy-server',
    ]) {
      expect(buildOf(m, name), name).to.not.equal(undefined);
    }
    expect(m.debianPackages.map((d) => d.package)).to.include.members([
      'haproxy',
      'keepalived',
      'iproute2',
      'iptables',
    ]);
    const k8s = buildOf(m, 'kube-apiserver')!.build.version;
    expect(k8s).to.match(/^v1\.(3[6-9]|[4-9]\d)\.\d+$/);
    expect(buildOf(m, 'etcd')!.build.version).to.match(/^v3\.6\.\d+$/);
  });

  it('names the path and the value of every mistake', () => {
    const bad = {
      schema: 2,
      goToolchain: 'go1.26',
      goBuilds: [{ name: 'etcd', module: 'go.etcd.io/etcd/server/v3', version: '3.6', binaries: [] }],
      debianPackages: [{ package: 'Haproxy!', binary: 'haproxy', versionArgs: ['-v'], expect: 'x' }],
    };
    expect(() => parseManifest(bad, 'components.json'))
      .to.throw(UsageError)
      .with.property('message')
      .that.includes('components.json: goToolchain: "go1.26" is not an exact Go toolchain such as go1.26.8')
      .and.includes('components.json: goBuilds[0].version: "3.6" is not a Go module version')
      .and.includes('goBuilds[0].binaries: must be a non-empty list')
      .and.includes('debianPackages[0].package: "Haproxy!" is not a Debian package name');
  });

  it('rejects an unknown schema and a binary listed twice', () => {
    const bin = { name: 'etcd', package: 'p', versionArgs: [], expect: 'x', sha256: { 'linux/amd64': null } };
    const m = {
      schema: 3,
      goToolchain: 'go1.26.8',
      goBuilds: [{ name: 'a', module: 'm', version: 'v1.0.0', binaries: [bin, bin] }],
      debianPackages: [],
    };
    expect(() => parseManifest(m))
      .to.throw(UsageError)
      .with.property('message')
      .that.includes('schema: unsupported schema 3')
      .and.includes('binary etcd is listed twice');
  });

  it('every Go binary has a sha256 pin slot: 64 hex digits, or null for not pinned yet', () => {
    const bin = { name: 'etcd', package: 'p', versionArgs: [], expect: 'x' };
    const m = (sha256: unknown) => ({
      schema: 2,
      goToolchain: 'go1.26.8',
      goBuilds: [{ name: 'a', module: 'm', version: 'v1.0.0', binaries: [{ ...bin, sha256 }] }],
      debianPackages: [],
    });
    expect(() => parseManifest(m(undefined))).to.throw(UsageError, 'binaries[0].sha256: must be an object');
    expect(() => parseManifest(m({ 'linux/amd64': 'abc' }))).to.throw(
      UsageError,
      'binaries[0].sha256.linux/amd64: must be 64 lower-case hex digits or null (not pinned yet)',
    );
    expect(() => parseManifest(m({ 'linux/amd64': null }))).to.not.throw();
    expect(() => parseManifest(m({ 'linux/amd64': 'a'.repeat(64) }))).to.not.throw();
  });
});

describe('component groups', () => {
  const bin = (name: string) => ({ name, package: 'p', versionArgs: [], expect: 'x', sha256: {} });
  const build = (name: string, group?: string) => ({
    name,
    module: `example.com/${name}`,
    version: 'v1.0.0',
    ...(group === undefined ? {} : { group }),
    binaries: [bin(name)],
  });
  const manifest = (...goBuilds: object[]) =>
    parseManifest({ schema: 2, goToolchain: 'go1.26.8', goBuilds, debianPackages: [] });

  it('setup builds the default group; setup -- kind adds the kind group', () => {
    const m = manifest(build('etcd'), build('kind', 'kind'), build('coredns'));
    expect(buildsOf(m).map((b) => b.name)).to.deep.equal(['etcd', 'coredns']);
    expect(buildsOf(m, []).map((b) => b.name)).to.deep.equal(['etcd', 'coredns']);
    expect(buildsOf(m, ['kind']).map((b) => b.name)).to.deep.equal(['etcd', 'kind', 'coredns']);
  });

  it('the checked-in manifest: the kind tools only in group kind, the default group as before', () => {
    const m = loadManifest();
    expect(buildsOf(m).map((b) => b.name)).to.deep.equal([
      'kubernetes',
      'etcd',
      'coredns',
      'k6',
      'kwok',
      'toxiproxy',
    ]);
    const kind = buildsOf(m, ['kind']).filter((b) => b.group === 'kind');
    expect(kind.flatMap((b) => b.binaries.map((x) => x.name))).to.include.members([
      'kind',
      'kubeadm',
      'kubelet',
      'kube-proxy',
      'crictl',
      'host-local',
      'loopback',
      'ptp',
      'portmap',
      'containerd',
      'containerd-shim-runc-v2',
      'ctr',
    ]);
  });

  it('rejects an unknown group and a bad build tag, naming the value', () => {
    expect(() => manifest(build('kind', 'knid')))
      .to.throw(UsageError)
      .with.property('message')
      .that.includes('goBuilds[0].group: "knid" is not an optional group (kind, browser)');
    expect(() => manifest({ ...build('containerd'), tags: ['no_btrfs', '-x'] }))
      .to.throw(UsageError)
      .with.property('message')
      .that.includes('goBuilds[0].tags[1]: "-x" is not a Go build tag');
  });

  it("a build's group decides when it is built, not its bytes: the recipe leaves it out", () => {
    const a = manifest(build('a')).goBuilds[0]!;
    const recipe = (b: typeof a) => recipeOf(b, 'go1.26.8', '');
    expect(recipe({ ...a, group: 'kind' })).to.equal(recipe(a));
    expect(recipe({ ...a, tags: ['no_btrfs'] })).to.not.equal(recipe(a));
  });
});

describe('version checks', () => {
  it('expands the placeholders of a pin', () => {
    const v = versionVars('v1.36.3');
    expect(expand('Kubernetes {version}', v)).to.equal('Kubernetes v1.36.3');
    expect(expand('etcd Version: {bare} ({major}.{minor})', v)).to.equal('etcd Version: 1.36.3 (1.36)');
  });

  it('accepts recorded version output that matches the pin', () => {
    expect(checkReportedVersion('etcd', fixture('etcd-version.txt'), 'etcd Version: 3.6.8')).to.equal(
      'etcd Version: 3.6.8',
    );
  });

  it('rejects an unstamped Kubernetes build (v0.0.0-master) with the fix', () => {
    expect(() =>
      checkReportedVersion('kube-apiserver', 'Kubernetes v0.0.0-master+$Format:%H$', 'Kubernetes v1.36.3'),
    )
      .to.throw(EnvironmentError)
      .that.satisfies((e: EnvironmentError) => {
        expect(e.message).to.include('kube-apiserver reports the wrong version');
        expect(e.message).to.include('expected output containing "Kubernetes v1.36.3"');
        expect(e.message).to.include('got "Kubernetes v0.0.0-master');
        expect(e.fix).to.include('npm run setup');
        return true;
      });
  });

  it('runs a real binary and rejects it when it reports the wrong version', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-version-'));
    const fake = path.join(dir, 'etcd');
    writeFileSync(fake, '#!/bin/sh\necho "etcd Version: 3.5.9"\necho "Git SHA: deadbeef"\n');
    chmodSync(fake, 0o755);
    let caught: unknown;
    try {
      await verifyVersion(fake, ['--version'], 'etcd Version: 3.6.8');
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(EnvironmentError);
    expect((caught as Error).message).to.equal(
      'etcd reports the wrong version: expected output containing "etcd Version: 3.6.8", got "etcd Version: 3.5.9 | Git SHA: deadbeef"',
    );
    expect(await verifyVersion(fake, ['--version'], 'etcd Version: 3.5.9')).to.equal('etcd Version: 3.5.9');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('Go builds', () => {
  it('reads the staging modules from a Kubernetes go.mod instead of hard-coding them', () => {
    const mods = stagingModules(fixture('kubernetes-v1.36.3.go.mod'));
    expect(mods).to.have.length(33);
    expect(mods).to.include.members(['k8s.io/api', 'k8s.io/client-go', 'k8s.io/apiserver']);
    expect(stagingVersion('v1.36.3')).to.equal('v0.36.3');
  });

  it('writes a wrapper module that pins the release and replaces staging modules', () => {
    const gomod = wrapperGoMod(
      { name: 'kubernetes', module: 'k8s.io/kubernetes', version: 'v1.36.3', binaries: [] },
      '1.26.0',
      ['k8s.io/api'],
    );
    expect(gomod).to.include('go 1.26.0');
    expect(gomod).to.include('\tk8s.io/kubernetes v1.36.3\n');
    expect(gomod).to.include('\tk8s.io/api => k8s.io/api v0.36.3\n');
  });

  it('compares Go versions', () => {
    expect(parseGoVersion('go1.26.8')).to.deep.equal([1, 26, 8]);
    expect(versionAtLeast([1, 26, 8], [1, 26, 0])).to.equal(true);
    expect(versionAtLeast([1, 19, 8], [1, 26, 0])).to.equal(false);
  });
});
