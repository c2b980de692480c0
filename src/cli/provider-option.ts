import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_PROVIDER, PROVIDER_NAMES, type ProviderName } from '../providers/names.ts';
import { UsageError } from '../util/errors.ts';
import type { FlagContext, ValueSpec } from './option-spec.ts';

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
    throw new UsageError(`--provider ${value} is not implemented yet; the providers today: ${known}`, fix);
  const planned = PLANNED.length > 0 ? ` (planned: ${PLANNED.join(', ')})` : '';
  throw new UsageError(
    `--provider: ${JSON.stringify(value)} is not a known provider; known: ${known}${planned}`,
    fix,
  );
}

function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}

/** An image reference as Docker takes it: registry/name:tag or @digest, no spaces or shell characters. */
function parseImage(text: string, at: FlagContext): string {
  if (/^[a-z0-9][a-z0-9._/:@-]*$/.test(text)) return text;
  throw new UsageError(
    `${at.flag} ${JSON.stringify(text)} is not an image reference`,
    `give one such as ${KIND_OPTIONS['node-image'].example}`,
  );
}

/** The file, resolved from where the command was started; it must exist. */
function parseKindConfigPath(text: string, at: FlagContext): string {
  const file = path.resolve(process.env.INIT_CWD ?? '.', text);
  if (existsSync(file)) return file;
  throw new UsageError(
    `${at.flag} ${JSON.stringify(text)}: no such file (${file})`,
    `give an existing file, e.g. ${KIND_OPTIONS['kind-config'].example}`,
  );
}

/** The kind provider's own settings, as drill and cluster take them. */
export const KIND_OPTIONS = {
  'node-image': {
    type: 'string',
    placeholder: 'IMAGE',
    help: 'kind only: run the nodes on this image (e.g. kindest/node:v1.36.3 where a registry is reachable)',
    example: 'kindest/node:v1.36.3',
    defaultNote: 'one built from the pinned sources, offline',
    parse: parseImage,
  },
  'kind-config': {
    type: 'string',
    placeholder: 'FILE',
    help: 'kind only: a kind cluster configuration with at least 3 control-plane nodes',
    example: 'kind-configs/three-control-planes.yaml',
    defaultNote: 'kind-configs/three-control-planes.yaml',
    parse: parseKindConfigPath,
  },
} as const satisfies Record<string, ValueSpec<string>>;

/** The kind settings given, for the kind provider; refused, naming the flag, for another provider. */
export function kindSettings(
  provider: ProviderName,
  values: { 'node-image'?: string; 'kind-config'?: string },
): Record<string, unknown> {
  const given = Object.entries({ nodeImage: values['node-image'], kindConfig: values['kind-config'] }).filter(
    ([, v]) => v !== undefined,
  );
  if (given.length > 0 && provider !== 'kind') {
    const flag = values['node-image'] !== undefined ? '--node-image' : '--kind-config';
    throw new UsageError(
      `${flag} is a setting of the kind provider, not of ${provider}`,
      `add --provider kind, or drop ${flag}`,
    );
  }
  return Object.fromEntries(
    given.map(([k, v]) => [k, k === 'kindConfig' ? path.resolve(process.env.INIT_CWD ?? '.', v!) : v]),
  );
}
