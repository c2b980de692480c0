import { z } from 'zod';
import { schemaVersion } from '../../schema/building-blocks.ts';
import { mustBe } from '../../schema/messages.ts';
import type { LocalClusterConfig } from './config-schema.ts';

/**
 * The shape of a cluster's state.json. It names processes to signal and rules to delete as root, so
 * every field is checked before anything acts on it.
 */

/** Names of interfaces, namespaces and chains: nothing that could be read as an option or a path. */
const name = z.string({ error: mustBe('1-64 letters, digits or _ . : -') }).regex(/^[A-Za-z0-9_.:-]{1,64}$/);
const absolutePath = z.string({ error: mustBe('an absolute path') }).startsWith('/');
/** Linux allows at most 2^22 process ids. */
const pid = z
  .int({ error: mustBe('a process id from 1 to 4194304') })
  .min(1)
  .max(2 ** 22);

/** Something the cluster made on the machine, recorded before it is made so that `down` can always undo it. */
const resources = [
  z.object({ kind: z.literal('dir'), path: absolutePath }),
  z.object({ kind: z.literal('bridge'), name }),
  z.object({ kind: z.literal('netns'), name }),
  z.object({ kind: z.literal('veth'), name }),
  /** An iptables rule: `args` are what follows -A/-I, removed with -D. */
  z.object({
    kind: z.literal('iptables'),
    table: z.enum(['filter', 'nat'], { error: mustBe('filter or nat') }),
    chain: name,
    args: z.array(z.string({ error: mustBe('a string') }), { error: mustBe('a list of arguments') }),
    netns: name.optional(),
  }),
  /** startTicks: see ProcessIdentity; a signal goes only to that very process. */
  z.object({
    kind: z.literal('supervisor'),
    pid,
    startTicks: z.int({ error: mustBe('a whole number (clock ticks since boot)') }).optional(),
  }),
] as const;
const kinds = resources.map((r) => r.shape.kind.value).join(', ');
const resource = z.discriminatedUnion('kind', resources, {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? mustBe(`one of ${kinds}`)({ ...issue, input: (issue.input as { kind?: unknown }).kind })
      : mustBe(`an object whose kind is one of ${kinds}`)(issue),
});

export const stateSchema = z.object(
  {
    schema: schemaVersion(2),
    name,
    /** The random id in the directory's marker file. */
    id: z.string({ error: mustBe('32 hex digits') }).regex(/^[0-9a-f]{32}$/),
    createdAt: z
      .string({ error: mustBe('a time such as 2026-11-23T11:56:00.000Z') })
      .refine((time) => !Number.isNaN(Date.parse(time))),
    /** Who made it: `cluster up` (kept until `down`) or a drill (removed when the drill ends). */
    owner: z.object(
      { command: z.string({ error: mustBe('a string') }), pid },
      { error: mustBe('an object') },
    ),
    status: z.enum(['creating', 'running', 'removing'], { error: mustBe('creating, running or removing') }),
    /** The options the cluster was made with; kept for people to read, and checked only to be an object. */
    config: z.custom<LocalClusterConfig>((config) => typeof config === 'object' && config !== null, {
      error: mustBe('an object'),
    }),
    /** Absolute paths of the programs the cluster runs: the only ones teardown ever signals. */
    programs: z.array(absolutePath, { error: mustBe('a list of absolute paths') }),
    resources: z.array(resource, { error: mustBe('a list') }),
  },
  { error: mustBe('an object') },
);

export type Resource = z.infer<typeof resource>;
export type ClusterState = z.infer<typeof stateSchema>;
