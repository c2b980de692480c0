import { DEFAULT_PROVIDER, PROVIDER_NAMES, type ProviderName } from '../providers/names.ts';
import { UsageError } from '../util/errors.ts';
import type { ValueSpec } from './option-spec.ts';

/** Providers designed but not built yet: refused as such rather than as unknown names. */
const PLANNED = ['kind', 'kubeconfig'].filter((name) => !isProviderName(name));

/** --provider, as drill and cluster take it. */
export const PROVIDER_OPTION = {
  type: 'string',
  placeholder: PROVIDER_NAMES.join('|'),
  help: `where the cluster runs${PLANNED.length > 0 ? `; ${PLANNED.join(' and ')} are planned` : ''}`,
  example: DEFAULT_PROVIDER,
  default: DEFAULT_PROVIDER,
  parse: parseProvider,
} as const satisfies ValueSpec<ProviderName>;

function parseProvider(value: string): ProviderName {
  if (isProviderName(value)) return value;
  const fix = `drop --provider, or use --provider ${DEFAULT_PROVIDER}`;
  const known = PROVIDER_NAMES.join(', ');
  if (PLANNED.includes(value))
    throw new UsageError(`--provider ${value} is not implemented yet; only ${known} works today`, fix);
  const planned = PLANNED.length > 0 ? ` (planned: ${PLANNED.join(', ')})` : '';
  throw new UsageError(
    `--provider: ${JSON.stringify(value)} is not a known provider; known: ${known}${planned}`,
    fix,
  );
}

function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}
