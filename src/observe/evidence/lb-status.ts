import net from 'node:net';
import { now } from '../clock.ts';
import type { Recorder } from '../recorder.ts';
import type { LbServerStatus } from '../timeline.ts';

/** One server row of HAProxy's `show stat`: its status and last check. */
export interface StatRow {
  proxy: string;
  server: string;
  status: string;
  check?: string;
}

/** Reads the CSV of `show stat`; columns are looked up by the header's names (their order differs by version). */
export function parseShowStat(csv: string): StatRow[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines.find((l) => l.startsWith('# '));
  if (!header) return [];
  const names = header.slice(2).split(',');
  const col = (name: string) => names.indexOf(name);
  const [px, sv, st, chk] = [col('pxname'), col('svname'), col('status'), col('check_status')];
  return lines
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.split(','))
    .filter((f) => f[sv] !== 'FRONTEND' && f[sv] !== 'BACKEND')
    .map((f) => {
      const row: StatRow = { proxy: f[px] ?? '', server: f[sv] ?? '', status: f[st] ?? '' };
      const check = (f[chk] ?? '').replace(/^\* /, '');
      if (check) row.check = check;
      return row;
    });
}

/** Asks HAProxy's stats socket one command and returns its answer. */
export function askHaproxy(socket: string, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const conn = net.createConnection(socket);
    const timer = setTimeout(
      () => conn.destroy(new Error(`no answer from ${socket} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    conn.on('connect', () => conn.end(`${command}\n`));
    conn.on('data', (c: Buffer) => chunks.push(c));
    conn.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    conn.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Polls HAProxy's own view of the apiserver backends and records each change
 * (the first poll records every server): the evidence the report holds its
 * injection and failover times against.
 */
export class LbStatusPoller {
  private timer?: NodeJS.Timeout;
  private readonly last = new Map<string, string>();
  private busy = false;

  constructor(
    private readonly socket: string,
    private readonly backend: string,
    private readonly recorder: Recorder,
    readonly intervalMs: number,
  ) {}

  start(): void {
    const poll = async () => {
      if (this.busy) return;
      this.busy = true;
      try {
        const at = now();
        for (const row of parseShowStat(await askHaproxy(this.socket, 'show stat'))) {
          if (row.proxy !== this.backend) continue;
          const key = `${row.status}|${row.check ?? ''}`;
          if (this.last.get(row.server) === key) continue;
          this.last.set(row.server, key);
          const s: LbServerStatus = { at, server: row.server, status: row.status };
          if (row.check !== undefined) s.check = row.check;
          this.recorder.lbStatus(s);
        }
      } catch {
        // HAProxy restarting or gone: the next poll tells; a gap shows as no change.
      } finally {
        this.busy = false;
      }
    };
    void poll();
    this.timer = setInterval(() => void poll(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
