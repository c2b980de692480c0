/**
 * The providers a cluster can come from, by the name users pass to `--provider`. Each is a folder
 * under src/providers/ registered in src/providers/registry.ts.
 */
export const PROVIDER_NAMES = ['local', 'kind'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
export const DEFAULT_PROVIDER: ProviderName = 'local';
