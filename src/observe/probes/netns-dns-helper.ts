/**
 * Resolves names for a drill from inside another network namespace (a kind node's, where Service
 * and pod addresses are routed). Started by netns-dns.ts under nsenter; reads one JSON request per
 * line on stdin ({ id, server, name, timeoutMs }) and writes one answer per line
 * ({ id, ips } or { id, code, message }). Exits when stdin closes.
 */
import { Resolver } from 'node:dns/promises';
import { createInterface } from 'node:readline';

interface Request {
  id: number;
  server: string;
  name: string;
  timeoutMs: number;
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const req = JSON.parse(line) as Request;
  const resolver = new Resolver({ timeout: req.timeoutMs, tries: 1 });
  resolver.setServers([req.server]);
  resolver.resolve4(req.name).then(
    (ips) => process.stdout.write(JSON.stringify({ id: req.id, ips }) + '\n'),
    (err: unknown) => {
      const e = err as { code?: string; message?: string };
      process.stdout.write(
        JSON.stringify({ id: req.id, code: e.code ?? 'ERROR', message: e.message ?? String(err) }) + '\n',
      );
    },
  );
});
lines.on('close', () => process.exit(0));
