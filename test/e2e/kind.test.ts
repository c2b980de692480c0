import { expect } from 'chai';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { dockerServerVersion } from '../../src/components/docker-daemon.ts';
import type { TimelineEvent } from '../../src/observe/timeline.ts';
import { KIND_DIR } from '../../src/providers/kind/kind-lifecycle.ts';
import { drill, SHORT, type DrillResult } from './drill-report.ts';
import { cli, repo } from './helpers.ts';

/**
 * `npm run setup -- kind`: the kind provider's tools built from their pinned modules, its images
 * assembled offline, a Docker daemon that answers; then the drills on a kind cluster. After the
 * local provider's files: on a fresh machine this installs Docker, whose FORWARD policy the local
 * provider's bridge rule already copes with.
 */
describe('setup for the kind provider', function () {
  this.timeout(3_600_000);

  it('provides kind and the node tools at their pinned versions, and a running dockerd', async () => {
    const r = await cli('setup', ['kind'], 3_600_000);
    expect(r.code, r.stderr.slice(-3000)).to.equal(0);
    for (const name of [
      'kind',
      'kubeadm',
      'kubelet',
      'kube-proxy',
      'crictl',
      'containerd',
      'ctr',
      'runc',
      'dockerd',
    ])
      expect(r.stdout, name).to.match(new RegExp(`^${name}\\s`, 'm'));
    const kind = /^kind\s.*\s(\/\S+)$/m.exec(r.stdout)![1]!;
    expect((await execa(kind, ['version'])).stdout).to.match(/^kind v0\.31\.0 /);
    expect(await dockerServerVersion()).to.match(/^20\.10\./);
    const node = /^kind node image: (\S+)$/m.exec(r.stdout)?.[1];
    expect(node, 'the node image built').to.match(
      /^localhost\/kube-ha-drill\/kind-node:v1\.36\.3-[0-9a-f]{16}$/,
    );
    const inspect = await execa('docker', [
      'image',
      'inspect',
      '--format',
      '{{ index .Config.Labels "io.kube-ha-drill.inputs" }}',
      node!,
    ]);
    expect(node!.endsWith(inspect.stdout.trim()), 'tagged by the hash of its inputs').to.equal(true);
  });

  it('plain setup, as the drills use it, leaves the kind group out', async () => {
    const r = await cli('setup', []);
    expect(r.code, r.stderr.slice(-3000)).to.equal(0);
    expect(r.stdout).to.not.match(/^(kind|kubelet|dockerd)\s/m);
  });
});

/** What the kind provider's drills must show, besides the report being sound. */
function expectKindRun(r: DrillResult, component: string): { inject: TimelineEvent; heal: TimelineEvent } {
  expect(r.code, r.stderr.slice(-3000)).to.be.oneOf([0, 1, 4]);
  expect(r.files).to.include.members(['report.json', 'report.md', 'junit.xml', 'k6-summary.json']);
  expect(r.report.cluster.provider).to.equal('kind');
  const audited = r.report.audit.components.map((c) => c.name);
  expect(audited).to.include.members(['kind', 'kube-apiserver', 'kubelet', 'runc', 'kind node image']);
  expect(audited, 'only what the kind cluster runs').to.not.include('keepalived');
  expect(r.report.status).to.equal('completed');
  const healthy = r.report.verdicts.find((v) => v.slo === 'cluster-healthy-after');
  expect(healthy?.result, healthy?.detail).to.equal('pass');
  const d = r.report.analysis!;
  expect(d.writes.lost, 'no acknowledged write lost').to.deep.equal([]);
  // The certificates kubeadm made on each node, and the one the load balancer passes through from
  // whichever apiserver it picked.
  const inventory = r.report.cluster.certificates!;
  expect(inventory.unreadable).to.deep.equal([]);
  const names = inventory.certificates.map((c) => c.name);
  for (const node of ['node-1', 'node-2', 'node-3'])
    expect(names).to.include.members([
      `${node} apiserver`,
      `${node} etcd/peer`,
      `${node} kubelet-client-current`,
    ]);
  expect(names).to.include('node-1 admin.conf: kubernetes-admin (client)');
  const served = inventory.certificates.find((c) => c.source.startsWith('served at'));
  const apiservers = inventory.certificates.filter((c) => / apiserver$/.test(c.name)).map((c) => c.notAfter);
  expect(apiservers).to.include(served?.notAfter);
  expect(inventory.certificates.filter((c) => c.state !== 'valid')).to.deep.equal([]);
  const inject = r.timeline.events.find((e) => e.kind === 'fault-inject')!;
  const heal = r.timeline.events.find((e) => e.kind === 'fault-heal')!;
  expect(inject?.data?.component ?? 'partition', inject?.message).to.equal(component);
  expect(heal, 'the fault was healed').to.not.equal(undefined);
  return { inject, heal };
}

/** The writes one probe made after `from`, in order. */
function writesOf(r: DrillResult, probe: string, from: number) {
  return r.timeline.writes
    .filter((w) => w.probe === probe && w.start > from)
    .sort((a, b) => a.start - b.start);
}

describe('drills on the kind provider', function () {
  this.timeout(1_800_000);
  after(async () => {
    await cli('cluster', ['down', '--provider', 'kind'], 600_000);
  });

  it('etcd-partition: the leader is cut off, the majority elects another, its apiserver cannot commit', async () => {
    const r = await drill('etcd-partition', [...SHORT, '--provider', 'kind', '--keep-cluster']);
    const { inject, heal } = expectKindRun(r, 'partition');
    const isolated = String(inject.data?.node);
    const leader = r.report.analysis!.leader;
    expect(leader.members[leader.leaderAtInjection!], 'the isolated member led').to.equal(isolated);
    const change = leader.changes.find((c) => c.at >= inject.at);
    expect(change?.toMember, 'a new leader on the majority side').to.be.a('string').and.not.equal(isolated);
    // While the partition holds (from 5 s in, to the heal), the isolated member's apiserver cannot
    // commit: none of its direct writes is acknowledged before the heal. (One started during the
    // partition may be acknowledged after it, once the member has rejoined.)
    const settled = inject.at + 5000;
    const cut = writesOf(r, `member:api-write@${isolated}`, settled).filter((w) => w.start < heal.at);
    expect(cut.length).to.be.above(0);
    expect(
      cut.filter((w) => w.outcome === 'acked' && w.end < heal.at),
      "the isolated member's apiserver commits nothing",
    ).to.deep.equal([]);
  });

  it('etcd-leader-kill: the leader is killed, a leader is elected at a new term (on kind the restarted member may win it), the kubelet starts it again', async () => {
    const r = await drill('etcd-leader-kill', [...SHORT, '--provider', 'kind', '--reuse-cluster']);
    const { inject, heal } = expectKindRun(r, 'etcd');
    const killed = String(inject.data?.node);
    const leader = r.report.analysis!.leader;
    expect(leader.members[leader.leaderAtInjection!], 'the killed member led').to.equal(killed);
    const change = leader.changes.find((c) => c.at >= inject.at);
    expect(change?.toMember, 'a leader elected after the kill').to.be.a('string');
    const termBefore = Math.max(
      ...r.timeline.etcdStatus.filter((s) => s.ok && s.at < inject.at).map((s) => s.raftTerm ?? -1),
    );
    expect(change!.raftTerm, 'elected at a new term').to.be.above(termBefore);
    if (change!.toMember === killed) {
      // The kubelet may run etcd again before the others have elected a leader (its first restart
      // has no back-off); the restarted member can then win the election itself. It must have been
      // answering again before it was seen leading.
      const back = r.timeline.etcdStatus.find((s) => s.member === killed && s.ok && s.at > inject.at);
      expect(back?.at, 'the killed member answered again before it led').to.be.at.most(change!.at);
    }
    expect(heal.data?.container).to.be.a('string').and.not.equal(inject.data?.container);
  });

  it('apiserver-kill: the container is killed through the CRI and the kubelet starts a new one', async () => {
    const r = await drill('apiserver-kill', [...SHORT, '--provider', 'kind', '--reuse-cluster']);
    const { inject, heal } = expectKindRun(r, 'kube-apiserver');
    expect(heal.data?.container).to.be.a('string').and.not.equal(inject.data?.container);
    const direct = writesOf(r, `member:api-write@${String(inject.data?.node)}`, inject.at);
    expect(
      direct.some((w) => w.outcome !== 'acked'),
      'the killed apiserver stopped answering',
    ).to.equal(true);
    expect(direct.at(-1)?.outcome, 'and answers again at the end').to.equal('acked');
  });

  it('coredns-kill: the replica stops answering and answers again once the kubelet restarts it', async () => {
    const r = await drill('coredns-kill', [...SHORT, '--provider', 'kind', '--reuse-cluster']);
    const { inject, heal } = expectKindRun(r, 'coredns');
    expect(heal.data?.container).to.be.a('string').and.not.equal(inject.data?.container);
    const replica = r.timeline.samples.filter(
      (s) => s.probe === 'member:dns@replica-0' && s.start > inject.at,
    );
    expect(
      replica.some((s) => s.outcome !== 'ok'),
      'the killed replica stopped answering',
    ).to.equal(true);
    expect(replica.at(-1)?.outcome, 'and answers again at the end').to.equal('ok');
  });

  it('apiserver-freeze: SIGSTOP in the node, the apiserver answers nothing until SIGCONT, the same container after', async () => {
    const r = await drill('apiserver-freeze', [...SHORT, '--provider', 'kind', '--reuse-cluster']);
    const { inject, heal } = expectKindRun(r, 'kube-apiserver');
    expect(heal.data?.resumed, 'SIGCONT reached the frozen process').to.equal(true);
    expect(heal.data?.container, 'not restarted by the kubelet').to.equal(inject.data?.container);
    const direct = `member:api-write@${String(inject.data?.node)}`;
    const frozen = writesOf(r, direct, inject.at + 500).filter((w) => w.start < heal.at);
    expect(frozen.length).to.be.above(0);
    expect(
      frozen.filter((w) => w.outcome === 'acked' && w.end < heal.at),
      'the frozen apiserver acknowledged nothing',
    ).to.deep.equal([]);
    expect(writesOf(r, direct, heal.at).at(-1)?.outcome, 'and answers after SIGCONT').to.equal('acked');
  });

  it('terminate (a scenario of its own): SIGTERM to an etcd follower in the node, it exits and the kubelet starts it again', async () => {
    const scenario = path.join(repo, 'test', 'fixtures', 'scenarios', 'etcd-follower-terminate.json');
    const r = await drill(scenario, [...SHORT, '--provider', 'kind', '--reuse-cluster']);
    const { inject, heal } = expectKindRun(r, 'etcd');
    expect(inject.data?.signal).to.equal('SIGTERM');
    expect(inject.data?.pid).to.be.a('number');
    expect(heal.data?.container, 'a new container').to.be.a('string').and.not.equal(inject.data?.container);
    const leader = r.report.analysis!.leader;
    expect(leader.members[leader.leaderAtInjection!], 'a follower, not the leader').to.not.equal(
      inject.data?.node,
    );
  });

  it('cluster down removes the kind cluster, its directory and its network', async () => {
    const r = await cli('cluster', ['down', '--provider', 'kind'], 600_000);
    expect(r.code, r.stderr.slice(-2000)).to.equal(0);
    const left = await execa('docker', ['ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster=khd', '-q']);
    expect(left.stdout.trim()).to.equal('');
    expect(existsSync(KIND_DIR)).to.equal(false);
    const networks = await execa('docker', ['network', 'ls', '--filter', 'name=^kind$', '-q']);
    expect(networks.stdout.trim()).to.equal('');
  });
});
