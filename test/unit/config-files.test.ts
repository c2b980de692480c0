import { expect } from 'chai';
import path from 'node:path';
import { LOCAL_DEFAULTS, layoutOf } from '../../src/providers/local/config.ts';
import { corefile, haproxyConfig } from '../../src/providers/local/config-files.ts';
import { usageErrorOf } from './helpers.ts';

/** HAProxy's files as the provider names them, under a state root that skipped the config check. */
function haproxyIn(stateRoot: string): string {
  const layout = layoutOf({ ...LOCAL_DEFAULTS, stateRoot });
  const at = (name: string) => path.join(layout.dir, name);
  return haproxyConfig(
    layout,
    {
      caFile: at('pki/ca.crt'),
      checkCertFile: at('haproxy-check.pem'),
      statsSocket: at('haproxy.sock'),
    },
    ['127.0.0.1', layout.bridgeIp],
  );
}

describe('generated config files', () => {
  it('write the paths of a safe state root as they are', () => {
    const cfg = haproxyIn('/dev/shm/kube-ha-drill');
    expect(cfg).to.include('  stats socket /dev/shm/kube-ha-drill/khd/haproxy.sock mode 600 level admin\n');
    expect(cfg).to.include('ca-file /dev/shm/kube-ha-drill/khd/pki/ca.crt crt ');
  });

  it('refuse a path with a space, a quote or a newline rather than break or add a directive', () => {
    for (const root of [
      '/srv/my state',
      '/srv/x"y',
      "/srv/x'y",
      '/srv/x\n  stats socket /tmp/s level admin',
    ]) {
      const err = usageErrorOf(() => haproxyIn(root));
      expect(err.message, root).to.equal(
        `the path ${JSON.stringify(path.join(root, 'khd', 'pki/ca.crt'))} cannot go into a config file: it may hold only letters, digits and . _ / -`,
      );
      expect(err.fix).to.equal('choose a --state-root of those characters only, e.g. /dev/shm/kube-ha-drill');
    }
    const dns = { listenIp: '10.213.0.11', apiServer: 'https://10.213.0.1:16443', domain: 'cluster.local' };
    expect(() => corefile({ ...dns, kubeconfig: '/srv/a b/coredns.kubeconfig' })).to.throw(
      'cannot go into a config file',
    );
    expect(corefile({ ...dns, kubeconfig: '/srv/ab/coredns.kubeconfig' })).to.include(
      'kubeconfig /srv/ab/coredns.kubeconfig\n',
    );
  });
});
