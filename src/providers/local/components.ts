/** The programs a local cluster runs, by the name its processes and files carry. */
export const COMPONENTS = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'haproxy',
  'coredns',
  'kwok',
] as const;
export type ComponentName = (typeof COMPONENTS)[number];
