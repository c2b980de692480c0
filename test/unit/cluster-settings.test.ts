import { expect } from 'chai';
import { DEFAULT_FAILOVER_BOUNDS, expectedBounds, VRRP } from '../../src/analysis/bounds.ts';
import type { Components } from '../../src/components/components.ts';
import { checkClusterSettings } from '../../src/providers/cluster-settings.ts';
import { peerLinkRules, peerLinks, toxiproxyConfig } from '../../src/providers/local/peer-links.ts';
import { clientAddress, layoutOf, resolveLocalConfig } from '../../src/providers/local/config.ts';
import { keepalivedConfig } from '../../src/providers/local/config-files.ts';
import type { AcquireRequest } from '../../src/providers/provider.ts';
import { EnvironmentError } from '../../src/util/errors.ts';

const request = (settings: Partial<AcquireRequest>): AcquireRequest => ({
  mode: 'attach',
  owner: 'drill',
  components: {} as Components,
  ...settings,
});

describe('cluster settings a scenario asks for', () => {
  const running = { ...DEFAULT_FAILOVER_BOUNDS, lbCheck: 'readyz' as const, apiserverShutdownDelayMs: 0 };

  it('takes a cluster that has every setting asked for, and asks nothing of what is not asked', () => {
    expect(() => checkClusterSettings(request({}), running, 'fix')).to.not.throw();
    expect(() =>
      checkClusterSettings(request({ lbCheck: 'readyz', etcdPeerLinks: 'direct' }), running, 'fix'),
    ).to.not.throw();
  });

  it('refuses a cluster that lacks them, naming each difference and the fix', () => {
    let err: unknown;
    try {
      checkClusterSettings(
        request({
          lbCheck: 'healthz',
          apiserverShutdownDelayMs: 5000,
          etcdPeerLinks: 'proxied',
          loadBalancers: 'vrrp-pair',
        }),
        running,
        'start one with the settings',
      );
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(EnvironmentError);
    const text = String((err as Error).message);
    expect(text).to.include('the load balancer checks /readyz, the scenario needs /healthz');
    expect(text).to.include("the apiservers' shutdown delay is 0 ms, the scenario needs 5000 ms");
    expect(text).to.include('its etcd peer links are direct, the scenario needs them proxied');
    expect(text).to.include('its load balancers are single, the scenario needs vrrp-pair');
    expect((err as EnvironmentError).fix).to.equal('start one with the settings');
  });
});

describe('proxied etcd peer links', () => {
  const layout = layoutOf(resolveLocalConfig({ etcdPeerLinks: 'proxied' }));

  it('has one proxy per ordered pair of members, each on its own port of the bridge address', () => {
    const links = peerLinks(layout);
    expect(links.map((l) => l.name)).to.deep.equal([
      'etcd-node-1-to-node-2',
      'etcd-node-1-to-node-3',
      'etcd-node-2-to-node-1',
      'etcd-node-2-to-node-3',
      'etcd-node-3-to-node-1',
      'etcd-node-3-to-node-2',
    ]);
    expect(new Set(links.map((l) => l.listen)).size).to.equal(6);
    expect(links[0]).to.deep.include({ listen: '10.213.0.1:23812', upstream: '10.213.0.12:2380' });
    expect(JSON.parse(toxiproxyConfig(layout))).to.have.length(6);
  });

  it("sends each member's connections to a peer's port 2380 to that link's proxy, from the member's namespace", () => {
    const rules = peerLinkRules(layout);
    expect(rules).to.have.length(6);
    expect(rules[0]).to.deep.include({ table: 'nat', chain: 'OUTPUT', netns: 'khd-node-1' });
    expect(rules[0]!.args.join(' ')).to.match(
      /^-p tcp -d 10\.213\.0\.12\/32 --dport 2380 .*-j DNAT --to-destination 10\.213\.0\.1:23812$/,
    );
  });
});

describe('a load-balancer pair sharing a virtual IP', () => {
  const layout = layoutOf(resolveLocalConfig({ loadBalancers: 'vrrp-pair', subnet: '10.50.0.32/27' }));

  it('puts the pair and its virtual IP in the cluster subnet, clear of the nodes and the DNS address', () => {
    expect(layout.vip).to.equal('10.50.0.52');
    expect(layout.lbNodes.map((n) => [n.name, n.ip, n.netns, layout.hostVeth(n)])).to.deep.equal([
      ['lb-1', '10.50.0.53', 'khd-lb-1', 'khd-l1'],
      ['lb-2', '10.50.0.54', 'khd-lb-2', 'khd-l2'],
    ]);
    expect(clientAddress(layout)).to.equal('10.50.0.52');
    const single = layoutOf(resolveLocalConfig());
    expect([single.lbNodes, single.vip, clientAddress(single)]).to.deep.equal([[], undefined, '127.0.0.1']);
  });

  it('has each keepalived advertise to the other only, the first with the higher priority, neither preempting', () => {
    const [one, two] = layout.lbNodes;
    const first = keepalivedConfig(layout, one!, '/dev/shm/kube-ha-drill/khd/keepalived-check.sh');
    const second = keepalivedConfig(layout, two!, '/dev/shm/kube-ha-drill/khd/keepalived-check.sh');
    expect(first).to.include('  priority 100\n').and.include('  unicast_src_ip 10.50.0.53\n');
    expect(first).to.include('  unicast_peer {\n    10.50.0.54\n  }');
    expect(second).to.include(`  priority ${VRRP.backupPriority}\n`).and.include('    10.50.0.53\n');
    for (const c of [first, second]) {
      expect(c).to.include('  state BACKUP\n  nopreempt\n');
      expect(c).to.include('    10.50.0.52/27 dev eth0\n');
      expect(c).to.include('  script "/dev/shm/kube-ha-drill/khd/keepalived-check.sh"\n');
    }
  });

  it('bounds the takeover by three unheard advertisements and the skew of the backup priority', () => {
    const bound = expectedBounds({ ...DEFAULT_FAILOVER_BOUNDS, loadBalancers: 'vrrp-pair' }).find(
      (b) => b.id === 'vrrp-takeover',
    );
    expect(bound?.ms).to.equal(3648);
    expect(bound?.formula).to.equal(
      '3 x advertisement interval 1000 ms + skew (256 - priority 90) / 256 x 1000 ms = 3648 ms',
    );
    expect(expectedBounds(DEFAULT_FAILOVER_BOUNDS).map((b) => b.id)).to.not.include('vrrp-takeover');
  });

  it('refuses a load-balancer setting it does not know, naming the value and the choices', () => {
    expect(() =>
      resolveLocalConfig({ loadBalancers: 'keepalived' as never }, 'command line', () => '--load-balancers'),
    ).to.throw('"keepalived" must be "single", "vrrp-pair" or "per-node"');
  });
});
