/** Objects the cluster needs before its add-ons start: RBAC for CoreDNS and the fake worker nodes. */
import { run } from '../../util/exec.ts';

export function bootstrapManifest(fakeNodes: number): string {
  const docs = [
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:coredns
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]`,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:coredns
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:coredns
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: coredns`,
  ];
  for (let i = 1; i <= fakeNodes; i++) {
    docs.push(`apiVersion: v1
kind: Node
metadata:
  name: fake-worker-${i}
  labels:
    type: kwok
    kubernetes.io/hostname: fake-worker-${i}
    kubernetes.io/os: linux
    node-role.kubernetes.io/worker: ""
  annotations:
    node.alpha.kubernetes.io/ttl: "0"
    kwok.x-k8s.io/node: fake`);
  }
  return docs.join('\n---\n') + '\n';
}

export async function applyManifest(kubectl: string, kubeconfig: string, manifest: string): Promise<void> {
  await run(kubectl, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', '-'], {
    input: manifest,
    timeoutMs: 30_000,
  });
}
