import { cacheRoot } from '../components/cache.ts';
import { OPTIONAL_GROUPS, type OptionalGroup } from '../components/manifest.ts';
import { UsageError } from '../util/errors.ts';
import { helpText } from './help-text.ts';
import { seeHelp, type CommandSpec, type OptionTable } from './option-spec.ts';
import { parseCommandLine } from './parse-options.ts';

export interface SetupOptions {
  force: boolean;
  updateGoSum: boolean;
  recordHashes: boolean;
  /** Optional groups of components.json to build besides the default one. */
  groups: OptionalGroup[];
}

export type SetupCommand = { command: 'help' } | { command: 'run'; options: SetupOptions };

const SETUP_OPTIONS = {
  force: { type: 'boolean', help: 'rebuild Go binaries even when a verified build is cached' },
  'update-go-sum': {
    type: 'boolean',
    help:
      'record components/<build>/go.sum anew (after changing a version; every new hash is checked ' +
      'against sum.golang.org)',
  },
  'record-hashes': {
    type: 'boolean',
    help:
      'build afresh whatever has no sha256 pin for this platform and write its sha256 into ' +
      'components.json',
  },
} as const satisfies OptionTable;

export const SETUP_SPEC = {
  name: 'setup',
  usage: ['[kind] [browser] [--force] [--update-go-sum] [--record-hashes]'],
  about: `Installs the Debian packages and builds the pinned upstream binaries of
components.json into ${cacheRoot()} (set KHD_CACHE_DIR to move it).
Builds use the committed components/<build>/go.sum (-mod=readonly), the pinned
goToolchain, and must give the sha256 pinned in components.json.`,
  operands: [
    [
      'kind',
      'also build the tools of the kind provider (the goBuilds of group "kind": kind, kubeadm, kubelet, ' +
        'kube-proxy, ...); without it only the default group is built',
    ],
    ['browser', "also install Debian's chromium, which the tests open every report.html in"],
  ] satisfies [OptionalGroup, string][],
  options: SETUP_OPTIONS,
} as const satisfies CommandSpec;

export const SETUP_USAGE = helpText(SETUP_SPEC);

function isGroup(word: string): word is OptionalGroup {
  return (OPTIONAL_GROUPS as readonly string[]).includes(word);
}

/** Parses the arguments after `npm run setup --`: optional groups to build too, and switches. */
export function parseSetupArgs(argv: readonly string[]): SetupCommand {
  const parsed = parseCommandLine(SETUP_SPEC, argv);
  if (parsed.help) return { command: 'help' };
  const { values, positionals } = parsed;
  const unknown = positionals.filter((p) => !isGroup(p));
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown.join(' ')}`, seeHelp('setup'));
  return {
    command: 'run',
    options: {
      force: values.force,
      updateGoSum: values['update-go-sum'],
      recordHashes: values['record-hashes'],
      groups: [...new Set(positionals.filter(isGroup))],
    },
  };
}
