/**
 * Objects the cluster needs before its add-ons start: RBAC for CoreDNS, kwok and the load generator
 * (each its own identity with only what it does), the probe namespace, and the fake worker nodes.
 */
import { PROBE_NAMESPACE } from '../../cluster/topology.ts';
import { run } from '../../util/exec.ts';

/** A ClusterRole and its binding to one user. */
function clusterRoleFor(user: string, role: string, rules: string): string[] {
  return [
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ${role}
rules:
${rules}`,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ${role}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${role}
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: ${user}`,
  ];
}

export function bootstrapManifest(fakeNodes: number): string {
  const docs = [
    ...clusterRoleFor(
      'coredns',
      'system:coredns',
      `- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]`,
    ),
    // kwok plays the kubelets of the fake nodes: their status, their pods' status, their leases.
    ...clusterRoleFor(
      'kwok-controller',
      'kube-ha-drill:kwok',
      `- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [nodes/status, pods/status]
  verbs: [get, patch, update]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, patch, update, delete]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch, update]
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, list, watch, create, patch, update]`,
    ),
    `apiVersion: v1
kind: Namespace
metadata:
  name: ${PROBE_NAMESPACE}`,
    // The load works on ConfigMaps in the probe namespace, and nowhere else.
    `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: kube-ha-drill:load
  namespace: ${PROBE_NAMESPACE}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch, create, update, patch, delete]`,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: kube-ha-drill:load
  namespace: ${PROBE_NAMESPACE}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: kube-ha-drill:load
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: kube-ha-drill-load`,
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
