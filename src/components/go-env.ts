/**
 * The environment of every Go command the tool runs. Anything that decides
 * where code comes from and how it is checked is set here, never inherited: a
 * runner's GOSUMDB=off, GOPROXY=direct, GOFLAGS=-mod=mod or a `go env -w`
 * file must not weaken a root build.
 */

/** This machine reaches the Go module proxy and, through it, the checksum database; nothing else. */
export const GO_PROXY = 'https://proxy.golang.org';
export const GO_SUMDB = 'sum.golang.org';

/** Where Go keeps its caches: the caller may move them to a disk with room; nothing else of Go's passes. */
const KEPT = new Set(['GOCACHE', 'GOMODCACHE', 'GOPATH', 'GOTMPDIR']);

export interface GoEnvOptions {
  /** Exact toolchain, e.g. go1.26.8: used when local, else fetched as a module and checked against the sumdb. */
  toolchain: string;
  /** readonly for builds (go.sum is committed); mod only to record a new go.sum on request. */
  mod?: 'readonly' | 'mod';
  /** Build with cgo and the system's C compiler (runc needs libseccomp); off otherwise, for static binaries. */
  cgo?: boolean;
}

export function goEnv(opts: GoEnvOptions, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined) continue;
    if ((k.startsWith('GO') || k.startsWith('CGO_')) && !KEPT.has(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    GOENV: 'off', // no `go env -w` file
    GOWORK: 'off', // no go.work from a parent directory
    GO111MODULE: 'on',
    GOTOOLCHAIN: opts.toolchain,
    GOFLAGS: `-mod=${opts.mod ?? 'readonly'}`,
    GOPROXY: GO_PROXY,
    GOSUMDB: GO_SUMDB,
    GONOSUMDB: '',
    GONOPROXY: '',
    GOPRIVATE: '',
    GOINSECURE: '',
    // Not read by Go 1.26; cleared so that no future meaning of it slips in.
    GONOSUMCHECK: '',
    GOAUTH: 'off', // no netrc or git credentials sent to the proxy
    GOVCS: '*:off', // never fetch from a VCS, even if the proxy says "direct"
    CGO_ENABLED: opts.cgo ? '1' : '0',
  };
}
