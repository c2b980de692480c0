import { expect } from 'chai';
import { DEFAULT_FAILOVER_BOUNDS } from '../../src/analysis/bounds.ts';
import type { Components } from '../../src/components/components.ts';
import { checkClusterSettings } from '../../src/providers/cluster-settings.ts';
import { peerLinkRules, peerLinks, toxiproxyConfig } from '../../src/providers/local/peer-links.ts';
import { layoutOf, resolveLocalConfig } from '../../src/providers/local/config.ts';
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
        request({ lbCheck: 'healthz', apiserverShutdownDelayMs: 5000, etcdPeerLinks: 'proxied' }),
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
