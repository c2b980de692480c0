import { EnvironmentError } from '../util/errors.ts';

/** The placeholders a manifest may use, derived from one Go module version. */
export function versionVars(version: string, buildDate = ''): Record<string, string> {
  const bare = version.replace(/^v/, '');
  const [major = '', minor = ''] = bare.split('.');
  return { version, bare, major, minor, buildDate };
}

export function expand(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);
}

/**
 * Checks what a binary printed about its version against what the manifest
 * pins. Returns the line that matched, for the record.
 */
export function checkReportedVersion(binary: string, output: string, expected: string): string {
  const line = output.split('\n').find((l) => l.includes(expected));
  if (line === undefined) {
    const got = output.trim().split('\n').slice(0, 3).join(' | ') || '(nothing)';
    throw new EnvironmentError(
      `${binary} reports the wrong version: expected output containing "${expected}", got "${got}"`,
      `delete it and run \`npm run setup\` to rebuild it at the pinned version`,
    );
  }
  return line.trim();
}
