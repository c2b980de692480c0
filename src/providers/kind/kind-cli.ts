/** The kind command line, run with its output shown as progress and kept in the cluster's log. */
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { EnvironmentError } from '../../util/errors.ts';
import { run, startProcess } from '../../util/exec.ts';
import { progress } from '../../util/progress.ts';

/** Runs kind, printing each status line it writes as progress and appending all of it to `log`. */
export async function kindWithProgress(kind: string, args: readonly string[], log: string): Promise<void> {
  appendFileSync(log, `$ kind ${args.join(' ')}\n`);
  const child = startProcess(kind, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!])
    createInterface({ input: stream }).on('line', (line) => {
      appendFileSync(log, `${line}\n`);
      const status = line.trim();
      // kind's spinner lines: " ✓ Starting control-plane 🕹️" and the like.
      if (/^[✓✗•]/u.test(status)) progress(`kind: ${status.replace(/\s+\S*$/u, '')}`);
    });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  if (code !== 0)
    throw new EnvironmentError(`kind ${args.slice(0, 2).join(' ')} failed (exit ${code})`, `read ${log}`);
}

export async function kindClusters(kind: string): Promise<string[]> {
  const r = await run(kind, ['get', 'clusters'], { allowFailure: true, timeoutMs: 30_000 });
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

export async function deleteKindCluster(kind: string, name: string): Promise<void> {
  const r = await run(kind, ['delete', 'cluster', '--name', name], {
    allowFailure: true,
    timeoutMs: 300_000,
  });
  if (r.exitCode !== 0)
    throw new EnvironmentError(`kind delete cluster --name ${name} failed: ${r.stderr.trim()}`);
}
