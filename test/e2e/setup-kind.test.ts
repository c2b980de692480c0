import { expect } from 'chai';
import { execa } from 'execa';
import { dockerServerVersion } from '../../src/components/docker-daemon.ts';
import { cli } from './helpers.ts';

/**
 * `npm run setup -- kind`: the kind provider's tools, built from their pinned modules, and a Docker
 * daemon that answers. Last of the end-to-end files: on a fresh machine it installs Docker, whose
 * FORWARD policy the local provider's bridge rule already copes with.
 */
describe('setup for the kind provider', function () {
  this.timeout(3_600_000);

  it('provides kind and the node tools at their pinned versions, and a running dockerd', async () => {
    const r = await cli('setup', ['kind'], 3_600_000);
    expect(r.code, r.stderr.slice(-3000)).to.equal(0);
    for (const name of ['kind', 'kubeadm', 'kubelet', 'kube-proxy', 'crictl', 'containerd', 'ctr', 'dockerd'])
      expect(r.stdout, name).to.match(new RegExp(`^${name}\\s`, 'm'));
    const kind = /^kind\s.*\s(\/\S+)$/m.exec(r.stdout)![1]!;
    expect((await execa(kind, ['version'])).stdout).to.match(/^kind v0\.31\.0 /);
    expect(await dockerServerVersion()).to.match(/^20\.10\./);
  });

  it('plain setup, as the drills use it, leaves the kind group out', async () => {
    const r = await cli('setup', []);
    expect(r.code, r.stderr.slice(-3000)).to.equal(0);
    expect(r.stdout).to.not.match(/^(kind|kubelet|dockerd)\s/m);
  });
});
