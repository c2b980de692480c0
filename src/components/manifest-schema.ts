import { z } from 'zod';
import { schemaVersion } from '../schema/building-blocks.ts';
import { withValue, type ErrorMap } from '../schema/messages.ts';
import { show } from '../util/show.ts';

/** The shape of components.json (schema 2); its JSON Schema is schemas/components.schema.json. */

/** `must be a list (got 3)`: the requirement, then the value found. */
function got(requirement: string): ErrorMap {
  return (issue) => `${requirement} (got ${show(issue.input)})`;
}

const text = () => z.string({ error: got('must be a non-empty string') }).min(1);

/** A string matching `pattern`; anything else reads `"3.6" <hint>`. */
const matching = (pattern: RegExp, hint: string) => z.string({ error: withValue(hint) }).regex(pattern);

function strings() {
  return z.array(z.string({ error: got('must be a string') }), { error: got('must be a list of strings') });
}

function object<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.object(shape, { error: 'must be an object' });
}

const name = () => matching(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes');
/**
 * Groups of builds that `npm run setup` leaves out; `npm run setup -- <group>` builds them too.
 * kind: the tools of the kind provider (kind, the node's Kubernetes binaries).
 * browser: Debian's Chromium, which the tests open every report.html in.
 */
export const OPTIONAL_GROUPS = ['kind', 'browser'] as const;
export type OptionalGroup = (typeof OPTIONAL_GROUPS)[number];

/** The optional group a build or a Debian package belongs to; absent: the default group. */
function groupField(what: 'build' | 'package') {
  return z
    .enum(OPTIONAL_GROUPS, { error: withValue(`is not an optional group (${OPTIONAL_GROUPS.join(', ')})`) })
    .optional()
    .describe(
      `Optional group the ${what} belongs to: \`npm run setup -- <group>\` provides it, plain \`npm run setup\` ` +
        "and a drill's lazy setup do not. Absent: the default group, always provided.",
    );
}

const VERSION_ARGS = 'Arguments that make the binary print its version.';
const EXPECT = 'Text the version output must contain; {version}, {bare}, {major}, {minor} are expanded.';

/** One binary built from a Go module, with the command that makes it print its version. */
const goBinary = object({
  name: name().describe('File name of the built binary.'),
  package: text().describe('Go package of the command, e.g. k8s.io/kubernetes/cmd/kube-apiserver.'),
  versionArgs: strings().describe(VERSION_ARGS),
  expect: text().describe(EXPECT),
  sha256: z
    .record(
      z.string().regex(/^[a-z0-9]+\/[a-z0-9]+$/, { error: withValue('is not os/arch') }),
      z
        .string({ error: 'must be 64 lower-case hex digits or null (not pinned yet)' })
        .regex(/^[0-9a-f]{64}$/)
        .nullable()
        .describe('null: not pinned yet'),
      {
        error: (issue) =>
          issue.code === 'invalid_key' ? undefined : 'must be an object such as { "linux/amd64": null }',
      },
    )
    .describe(
      'Expected sha256 of the built binary per platform ("linux/amd64"). The build is reproducible, so ' +
        'this is checked after every build and before every run; null (or no entry) means not pinned yet.',
    ),
});

/** One Go module at a pinned version, and the binaries built from it. */
const goBuild = object({
  name: name().describe('Name of the build; components/<name>/go.sum holds its dependency hashes.'),
  module: text().describe('Go module the binaries are built from.'),
  version: matching(/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'is not a Go module version such as v1.36.3'),
  extraModules: strings()
    .optional()
    .describe('Modules of the same release built in the same wrapper module (etcdctl beside etcd).'),
  replaceStagingModules: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .describe('Kubernetes: replace every ./staging module with its published v0.X.Y.'),
  ldflags: strings()
    .optional()
    .describe('Linker flags; {version}, {bare}, {major}, {minor}, {buildDate} are expanded.'),
  tags: z
    .array(matching(/^[A-Za-z0-9_.]+$/, 'is not a Go build tag'), {
      error: got('must be a list of build tags'),
    })
    .optional()
    .describe('Go build tags (go build -tags), e.g. no_btrfs.'),
  cgo: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .describe(
      "Build with cgo (CGO_ENABLED=1) and the system's C compiler; the C libraries it links are Debian " +
        'packages of the same group. Absent: static pure-Go binaries.',
    ),
  group: groupField('build'),
  binaries: z.array(goBinary, { error: 'must be a non-empty list' }).min(1),
});

/** A binary taken from a Debian package, with the command that makes it print its version. */
const debianProgram = object({
  package: matching(/^[a-z0-9][a-z0-9+.-]+$/, 'is not a Debian package name'),
  group: groupField('package'),
  binary: text().describe('Program the package installs, found on PATH.'),
  versionArgs: strings().describe(VERSION_ARGS),
  expect: text().describe(EXPECT),
});

/** A Debian package needed only to build something (a C library's headers): installed, not run. */
const debianBuildPackage = object({
  package: debianProgram.shape.package,
  group: groupField('package'),
  buildOnly: z
    .literal(true, { error: 'must be true' })
    .describe('Installed for builds; no program of it runs.'),
});

const debianPackage = z.union([debianProgram, debianBuildPackage], {
  error: 'must name a binary with versionArgs and expect, or say "buildOnly": true',
});

/** Each binary is made by one build only: a second entry would shadow the first. */
function binariesListedOnce(builds: GoBuild[], ctx: z.core.$RefinementCtx<GoBuild[]>): void {
  const seen = new Set<string>();
  builds.forEach((build, i) =>
    build.binaries.forEach(({ name }, j) => {
      if (seen.has(name))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'binaries', j, 'name'],
          message: `binary ${name} is listed twice`,
        });
      seen.add(name);
    }),
  );
}

export const manifestSchema = z
  .object(
    {
      schema: schemaVersion(2).describe("Version of the file's format."),
      goToolchain: matching(/^go\d+\.\d+\.\d+$/, 'is not an exact Go toolchain such as go1.26.8').describe(
        'Exact Go toolchain of every build (go1.26.8); fetched as a module when the local go differs.',
      ),
      goBuilds: z
        .array(goBuild, { error: 'must be a list' })
        .superRefine(binariesListedOnce)
        .describe('Binaries built from Go modules at pinned versions, reproducibly.'),
      debianPackages: z
        .array(debianPackage, { error: 'must be a list' })
        .describe("Binaries taken from Debian packages, checked against dpkg's records."),
    },
    { error: 'must be a JSON object' },
  )
  .describe('Pinned upstream parts of every cluster kube-ha-drill builds (components.json).');

export type GoBinary = z.infer<typeof goBinary>;
export type GoBuild = z.infer<typeof goBuild>;
export type DebianPackage = z.infer<typeof debianPackage>;
export type DebianProgram = z.infer<typeof debianProgram>;
export type Manifest = z.infer<typeof manifestSchema>;
