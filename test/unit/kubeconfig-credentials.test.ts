import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCredentialsFromMaterial } from '../../src/observe/load-credentials.ts';
import { credentialsFromKubeconfig } from '../../src/util/kubeconfig-credentials.ts';
import { EnvironmentError } from '../../src/util/errors.ts';

function kubeconfig(user: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true }
users:
- name: u
  user: ${user}
contexts:
- name: x
  context: { cluster: c, user: u }
current-context: x
`;
}

describe('credentials from a kubeconfig', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'khd-kc-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sends a bearer token as the Authorization header', async () => {
    const file = path.join(dir, 'kubeconfig');
    writeFileSync(file, kubeconfig('{ token: s3cr3t }'));
    const c = await credentialsFromKubeconfig(file);
    expect(c.headers).to.deep.equal({ authorization: 'Bearer s3cr3t' });
    expect(c.cert).to.equal(undefined);
  });

  it('runs an exec plugin once and sends the token it prints', async () => {
    const file = path.join(dir, 'kubeconfig');
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'from-plugin' },
    });
    writeFileSync(
      file,
      kubeconfig(
        `{ exec: { apiVersion: client.authentication.k8s.io/v1, command: /bin/echo, args: ['${credential}'], interactiveMode: Never } }`,
      ),
    );
    const c = await credentialsFromKubeconfig(file);
    expect(c.headers).to.deep.equal({ authorization: 'Bearer from-plugin' });
  });

  it('names the file and the fix when it cannot be read', async () => {
    const file = path.join(dir, 'missing');
    const err = await credentialsFromKubeconfig(file).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EnvironmentError);
    expect((err as Error).message).to.include(file);
  });
});

describe('the load generator credentials', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'khd-load-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a token from a kubeconfig as a token, writing no key', async () => {
    const file = path.join(dir, 'kubeconfig');
    writeFileSync(file, kubeconfig('{ token: s3cr3t }'));
    const c = loadCredentialsFromMaterial(await credentialsFromKubeconfig(file), dir);
    expect(c.token).to.equal('s3cr3t');
    expect(c.cert).to.equal(undefined);
    expect(readdirSync(dir)).to.deep.equal(['kubeconfig']);
  });

  it('writes certificate data from a kubeconfig to files only the owner reads', () => {
    const c = loadCredentialsFromMaterial(
      {
        ca: Buffer.from('ca'),
        cert: Buffer.from('cert'),
        key: Buffer.from('key'),
        headers: {},
        context: undefined as never,
      },
      dir,
    );
    expect(readFileSync(c.key!, 'utf8')).to.equal('key');
    expect(statSync(c.key!).mode & 0o777).to.equal(0o600);
    expect(readFileSync(c.ca, 'utf8')).to.equal('ca');
    expect(c.token).to.equal(undefined);
  });
});
