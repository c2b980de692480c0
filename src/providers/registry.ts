/**
 * Every provider, by name. A provider is a folder under src/providers/ that implements
 * `Provider`; adding one is that folder, its name in names.ts and a line here.
 */
import { UsageError } from '../util/errors.ts';
import type { LocalClusterConfig } from './local/config.ts';
import { KindProvider, type KindOptions } from './kind/index.ts';
import { LocalProvider } from './local/index.ts';
import { PROVIDER_NAMES, type ProviderName } from './names.ts';
import { CAPABILITIES, type Capability, type Provider } from './provider.ts';

/** Options are the provider's own settings as the user gave them; each provider validates its own. */
const FACTORIES: Record<ProviderName, (options: Record<string, unknown>) => Provider> = {
  // The local provider checks every option itself (resolveLocalConfig), unknown ones too.
  local: (options) => new LocalProvider(options as Partial<LocalClusterConfig>),
  kind: (options) => new KindProvider(options as KindOptions),
};

export function providerFor(name: ProviderName, options: Record<string, unknown> = {}): Provider {
  return FACTORIES[name](options);
}

/** Refuses, naming the reason, a scenario that needs what the provider cannot do (exit 2). */
export function requireCapabilities(
  provider: Provider,
  needs: readonly { fault: string; capability: Capability }[],
): void {
  const missing = needs.filter((n) => !provider.capabilities.has(n.capability));
  if (missing.length === 0) return;
  const others = PROVIDER_NAMES.filter(
    (p) => p !== provider.name && missing.every((m) => providerFor(p).capabilities.has(m.capability)),
  );
  throw new UsageError(
    `the ${provider.name} provider cannot run this scenario: ` +
      missing.map((m) => `fault ${m.fault} needs to ${CAPABILITIES[m.capability]}`).join('; '),
    others.length
      ? `run it with --provider ${others.join(' or --provider ')}`
      : 'choose a scenario without these faults',
  );
}
