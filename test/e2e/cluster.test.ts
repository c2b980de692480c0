import { expect } from 'chai';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { down, up } from '../../src/providers/local/provider.ts';
import { layoutOf, resolveLocalConfig } from '../../src/providers/local/config.ts';
import { remnants } from '../../src/providers/local/teardown.ts';
import type { ClusterInfo } from '../../src/cluster/topology.ts';
import type { Components } from '../../src/components/components.ts';
import { cli, testComponents } from './helpers.ts';

/** Independent look at the machine (not through the tool's own bookkeeping). */
async function machineTraces(name: string, dir: string): Promise<string[]> {
  const traces: string[] = [];
  const ns = (await execa('ip', ['netns', 'list'])).stdout;
  if (ns.includes(`${name}-node-`)) traces.push(`netns: ${ns}`);
  const links = (await execa('ip', ['-o', 'link', 'show'])).stdout;
  for (const l of links.split('\n')) if (l.includes(`${name}-`)) traces.push(`link: ${l}`);
  for (const table of ['filter', 'nat']) {
    const rules = (await execa('iptables', ['-t', table, '-S'])).stdout;
    for (const l of rules.split('\n'))
      if (l.includes('kube-ha-drill')) traces.push(`iptables ${table}: ${l}`);
  }
  const procs = await execa('pgrep', ['-af', dir], { reject: false });
  for (const l of procs.stdout.split('\n').filter(Boolean))
    if (!l.includes('pgrep')) traces.push(`process: ${l}`);
  if (existsSync(dir)) traces.push(`directory ${dir}`);
  return traces;
}

describe('local provider: a real 3-master HA control plane', function () {
  this.timeout(600_000);
  let components: Components;
  let info: ClusterInfo;
  let kubectl: (...args: string[]) => Promise<string>;
  const layout = layoutOf(resolveLocalConfig());

  before(async function () {
    // On a fresh machine the first use builds every component (about 15 minutes).
    this.timeout(3_600_000);
    components = await testComponents();
    await down(); // whatever an earlier run left
    info = await up({ owner: 'cluster-up', components });
    kubectl = async (...args) =>
      (await execa(components.path('kubectl'), ['--kubeconfig', info.endpoints.kubeconfig, ...args])).stdout;
  });

  after(async () => {
    await down();
  });

  it('answers /readyz through HAProxy with kubectl', async () => {
    expect(info.endpoints.apiServer).to.match(/^https:\/\/127\./);
    expect(await kubectl('get', '--raw', '/readyz')).to.equal('ok');
  });

  it('has three healthy etcd members that agree on one leader (etcdctl)', async () => {
    const endpoints = Object.values(info.endpoints.etcdOf).join(',');
    const out = await execa(components.path('etcdctl'), [
      `--endpoints=${endpoints}`,
      `--cacert=${info.etcdClient.ca}`,
      `--cert=${info.etcdClient.cert}`,
      `--key=${info.etcdClient.key}`,
      'endpoint',
      'status',
      '-w',
      'json',
    ]);
    // member ids exceed 2^53: compare them as text
    const statuses = JSON.parse(
      out.stdout.replace(/("(?:member_id|leader|cluster_id)":)(\d+)/g, '$1"$2"'),
    ) as {
      Status: { header: { member_id: string }; leader: string };
    }[];
    expect(statuses).to.have.length(3);
    const leaders = new Set(statuses.map((s) => s.Status.leader));
    expect(leaders.size).to.equal(1);
    expect(statuses.map((s) => s.Status.header.member_id)).to.include([...leaders][0]);
    const health = await execa(components.path('etcdctl'), [
      `--endpoints=${endpoints}`,
      `--cacert=${info.etcdClient.ca}`,
      `--cert=${info.etcdClient.cert}`,
      `--key=${info.etcdClient.key}`,
      'endpoint',
      'health',
    ]);
    expect(health.stdout.match(/is healthy/g)).to.have.length(3);
  });

  it('shows a write made through the load balancer on each apiserver', async () => {
    const name = `e2e-${Date.now()}`;
    await kubectl('create', 'configmap', name, '--from-literal=k=v1');
    for (const [node, url] of Object.entries(info.endpoints.apiServerOf)) {
      const v = await kubectl('--server', url, 'get', 'configmap', name, '-o', 'jsonpath={.data.k}');
      expect(v, node).to.equal('v1');
    }
  });

  it('answers kubernetes.default.svc.cluster.local from each CoreDNS replica and the DNS address (dig)', async () => {
    for (const server of [...info.endpoints.dnsReplicas, info.endpoints.dns]) {
      const host = server.replace(/:53$/, '');
      const r = await execa('dig', [
        '+short',
        '+time=2',
        '+tries=1',
        `@${host}`,
        'kubernetes.default.svc.cluster.local',
      ]);
      expect(r.stdout.trim(), server).to.equal('10.96.0.1');
    }
  });

  it("runs a Deployment's pods on the fake kwok nodes", async () => {
    await kubectl('create', 'deployment', 'e2e-web', '--image=registry.invalid/web:1', '--replicas=3');
    await kubectl('wait', '--for=jsonpath={.status.readyReplicas}=3', 'deployment/e2e-web', '--timeout=60s');
    const pods = JSON.parse(await kubectl('get', 'pods', '-l', 'app=e2e-web', '-o', 'json')) as {
      items: { spec: { nodeName: string }; status: { phase: string } }[];
    };
    expect(pods.items).to.have.length(3);
    for (const p of pods.items) {
      expect(p.status.phase).to.equal('Running');
      expect(p.spec.nodeName).to.match(/^fake-worker-\d+$/);
    }
  });

  it('has controller-manager and scheduler each holding their lease, from one of the nodes', async () => {
    for (const lease of ['kube-controller-manager', 'kube-scheduler']) {
      const holder = await kubectl(
        'get',
        'lease',
        '-n',
        'kube-system',
        lease,
        '-o',
        'jsonpath={.spec.holderIdentity}',
      );
      expect(holder, lease).to.match(/^node-[123]_/);
    }
  });

  it('refuses a second up while the cluster runs, and leaves the running cluster alone', async () => {
    const r = await cli('cluster', ['up']);
    expect(r.code).to.equal(3);
    expect(r.stderr).to.include('a cluster named "khd" is already up');
    expect(await kubectl('get', '--raw', '/readyz')).to.equal('ok');
  });

  it('down removes every process, namespace, bridge, rule and file', async () => {
    const r = await cli('cluster', ['down']);
    expect(r.code, r.stderr).to.equal(0);
    expect(await remnants(layout.dir, layout.config.name)).to.deep.equal([]);
    expect(await machineTraces(layout.config.name, layout.dir)).to.deep.equal([]);
  });

  it('cleans up after the tool and its supervisor are SIGKILLed mid-way, then comes up again', async () => {
    const child = execa(process.execPath, ['--import', 'tsx', 'src/cli/kube-ha-drill.ts', 'cluster', 'up'], {
      reject: false,
      cwd: process.cwd(),
    });
    // Wait until control-plane processes run, then kill -9 the tool and the supervisor.
    const deadline = Date.now() + 60_000;
    let supervisor: number | undefined;
    while (Date.now() < deadline) {
      const { readProcessTable } = await import('../../src/providers/local/supervisor-client.ts');
      const t = readProcessTable(layout.dir);
      if (t && t.processes.some((p) => p.component === 'kube-apiserver' && p.pid)) {
        supervisor = t.supervisorPid;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(supervisor, 'the cluster started').to.be.a('number');
    child.kill('SIGKILL');
    process.kill(supervisor!, 'SIGKILL');
    await child;
    expect(await machineTraces(layout.config.name, layout.dir)).to.not.deep.equal([]);

    const d = await cli('cluster', ['down']);
    expect(d.code, d.stderr).to.equal(0);
    expect(await machineTraces(layout.config.name, layout.dir)).to.deep.equal([]);

    const u = await cli('cluster', ['up']);
    expect(u.code, u.stderr).to.equal(0);
    const s = await cli('cluster', ['status']);
    expect(s.code, s.stdout).to.equal(0);
    const d2 = await cli('cluster', ['down']);
    expect(d2.code, d2.stderr).to.equal(0);
    expect(await machineTraces(layout.config.name, layout.dir)).to.deep.equal([]);
  });

  it('status lists the certificates that expire within 30 days, as every report does', async () => {
    // A cluster of its own, whatever ran before: certificates that live 20 days.
    expect((await cli('cluster', ['down'])).code).to.equal(0);
    const u = await cli('cluster', ['up', '--cert-lifetime-days', '20']);
    try {
      expect(u.code, u.stderr).to.equal(0);
      const s = await cli('cluster', ['status']);
      expect(s.code, s.stdout).to.equal(0);
      // Every leaf (the CAs live ten years) and the one the load balancer serves: 17 of 19.
      expect(s.stdout).to.match(
        /^certificates: 19 read; 17 need attention: .*apiserver expires in (19\.9|20\.0) days/m,
      );
      expect(s.stdout).to.not.match(/\bca expires/);
    } finally {
      const d = await cli('cluster', ['down']);
      expect(d.code, d.stderr).to.equal(0);
    }
  });
});
