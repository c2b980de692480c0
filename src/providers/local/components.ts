/** The programs a local cluster runs, by the name its processes and files carry. */
export const COMPONENTS = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'haproxy',
  'keepalived',
  'coredns',
  'kwok',
  'toxiproxy',
] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** The binary a component runs, where its name differs from the component's. */
export function binaryOf(component: ComponentName): string {
  return component === 'toxiproxy' ? 'toxiproxy-server' : component;
}
