/**
 * DNS lookups made from inside a network namespace the tool's cluster owns (a kind node's), where
 * the cluster's Service and pod addresses are routed: one helper process per namespace, entered
 * with nsenter, answering over a pipe. The answer's timing is the helper's resolver timeout.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startProcess } from '../../util/exec.ts';

const HELPER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'netns-dns-helper.ts');

interface Answer {
  id: number;
  ips?: string[];
  code?: string;
  message?: string;
}

/** An error as node's Resolver raises it, with its code (ETIMEOUT, ENOTFOUND, ...). */
class LookupError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class NetnsResolver {
  private child?: ChildProcess;
  private nextId = 0;
  private readonly pending = new Map<number, (a: Answer) => void>();
  private users = 0;

  /** `netns`: a network namespace file, such as /proc/<pid>/ns/net of a node's init. */
  constructor(private readonly netns: string) {}

  /** Each user holds the helper until it calls release(); the last release stops it. */
  hold(): void {
    this.users++;
  }

  release(): void {
    if (--this.users > 0 || !this.child) return;
    this.child.stdin?.end();
    this.child = undefined;
  }

  private helper(): ChildProcess {
    if (this.child) return this.child;
    const child = startProcess(
      'nsenter',
      [`--net=${this.netns}`, '--', process.execPath, '--import', import.meta.resolve('tsx'), HELPER],
      { stdio: ['pipe', 'pipe', 'inherit'], installHint: 'install util-linux (it provides nsenter)' },
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const answer = JSON.parse(line) as Answer;
      this.pending.get(answer.id)?.(answer);
      this.pending.delete(answer.id);
    });
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
      for (const [id, settle] of this.pending)
        settle({ id, code: 'EHELPER', message: 'the lookup helper exited' });
      this.pending.clear();
    });
    this.child = child;
    return child;
  }

  resolve4(server: string, name: string, timeoutMs: number): Promise<string[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (a) =>
        a.ips ? resolve(a.ips) : reject(new LookupError(a.code ?? 'ERROR', a.message ?? '')),
      );
      this.helper().stdin!.write(JSON.stringify({ id, server, name, timeoutMs }) + '\n');
    });
  }
}
