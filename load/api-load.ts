/**
 * API load for drills, run by k6 (TypeScript runs natively in k6 v2).
 * A constant arrival rate of requests through the load balancer, mixing
 * gets, lists, creates, updates, deletes and short watches by weight.
 *
 * Each request is written as one line to the console output (run with
 * --console-output FILE --log-format raw), cheaper than k6's JSON output of a
 * dozen metrics per request: "KHD <op> <start ms> <client ms> <status> <error code> [error text]".
 * The client time is what the caller waited, connection and TLS set-up
 * included (blocked + duration: k6's blocked covers connecting and the
 * handshake), so it compares with the probes', which open their own
 * connections. The trend khd_client_ms is the same figure, for k6's summary.
 *
 * Environment: KHD_BASE_URL, KHD_HOST, KHD_CERT and KHD_KEY (files) or KHD_TOKEN, KHD_RATE,
 * KHD_DURATION ("60s"), KHD_RUN_ID, KHD_NAMESPACE, KHD_MIX ("get=4,list=2,...").
 */
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import exec from 'k6/execution';
import { Trend } from 'k6/metrics';

const base = __ENV.KHD_BASE_URL;
const ns = __ENV.KHD_NAMESPACE;
const runId = __ENV.KHD_RUN_ID;
const rate = Number(__ENV.KHD_RATE);
const timeout = __ENV.KHD_TIMEOUT ?? '2000ms';
const timeoutMs = Number(timeout.replace(/ms$/, ''));

const mix: [string, number][] = (__ENV.KHD_MIX ?? 'get=4,list=2,create=2,update=1,delete=1,watch=0')
  .split(',')
  .map((kv) => kv.split('='))
  .map(([k, v]) => [k!, Number(v)] as [string, number])
  .filter(([, w]) => w > 0);
const total = mix.reduce((s, [, w]) => s + w, 0);

export const options = {
  // A client certificate, or a bearer token (KHD_TOKEN), whichever the cluster's credentials are.
  tlsAuth: __ENV.KHD_CERT
    ? [{ domains: [__ENV.KHD_HOST], cert: open(__ENV.KHD_CERT), key: open(__ENV.KHD_KEY) }]
    : [],
  // The server is verified: SSL_CERT_FILE (set by the drill) makes the cluster's CA k6's only root.
  // Only the status and the timing of a request are used: reading bodies into the script costs CPU.
  discardResponseBodies: true,
  scenarios: {
    api: {
      executor: 'constant-arrival-rate',
      rate,
      timeUnit: '1s',
      duration: __ENV.KHD_DURATION,
      // Enough VUs for every request of a timeout's worth of a full outage, so that k6 need not
      // start VUs (and drop iterations meanwhile) exactly when the cluster is failing.
      preAllocatedVUs: Math.max(5, Math.ceil(rate * (timeoutMs / 1000))),
      maxVUs: Math.max(10, Math.ceil(rate * (timeoutMs / 1000 + 1))),
    },
  },
  summaryTrendStats: ['p(50)', 'p(95)', 'p(99)', 'max', 'count'],
};

const clientMs = new Trend('khd_client_ms', true);

/** Times one request as its caller saw it and writes its line. */
function timed<R extends RefinedResponse<ResponseType | undefined>>(op: string, send: () => R): R {
  const start = Date.now();
  const r = send();
  const total = r.timings.blocked + r.timings.duration;
  clientMs.add(total, { op });
  // The error text last: it may hold spaces.
  console.log(
    `KHD ${op} ${start} ${total.toFixed(3)} ${r.status} ${r.error_code} ${r.error ?? ''}`.trimEnd(),
  );
  return r;
}

const headers: Record<string, string> = {
  'Content-Type': 'application/json',
  Accept: 'application/json',
  ...(__ENV.KHD_TOKEN ? { Authorization: `Bearer ${__ENV.KHD_TOKEN}` } : {}),
};
const mine: string[] = [];

function pick(): string {
  let r = Math.random() * total;
  for (const [op, w] of mix) {
    if ((r -= w) < 0) return op;
  }
  return mix[0]![0];
}

function cm(name: string, value: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { 'kube-ha-drill/load': runId } },
    data: { value },
  });
}

export default function (): void {
  const coll = `${base}/api/v1/namespaces/${ns}/configmaps`;
  let op = pick();
  if ((op === 'update' || op === 'delete' || op === 'get') && mine.length === 0) op = 'create';
  const params = (o: string) => ({ headers, timeout, tags: { op: o } });
  switch (op) {
    case 'get':
      timed(op, () => http.get(`${coll}/${mine[Math.floor(Math.random() * mine.length)]}`, params(op)));
      break;
    case 'list':
      timed(op, () => http.get(`${coll}?labelSelector=kube-ha-drill%2Fload%3D${runId}&limit=50`, params(op)));
      break;
    case 'create': {
      const name = `l-${runId}-${exec.vu.idInTest}-${exec.scenario.iterationInTest}`;
      const r = timed(op, () => http.post(coll, cm(name, String(Date.now())), params(op)));
      if (r.status === 201) mine.push(name);
      break;
    }
    case 'update': {
      const name = mine[Math.floor(Math.random() * mine.length)]!;
      timed(op, () =>
        http.patch(`${coll}/${name}`, JSON.stringify({ data: { value: String(Date.now()) } }), {
          ...params(op),
          headers: { ...headers, 'Content-Type': 'application/merge-patch+json' },
        }),
      );
      break;
    }
    case 'delete': {
      const name = mine.pop()!;
      timed(op, () => http.del(`${coll}/${name}`, null, params(op)));
      break;
    }
    case 'watch':
      timed(op, () =>
        http.get(
          `${coll}?watch=1&timeoutSeconds=1&labelSelector=kube-ha-drill%2Fload%3D${runId}`,
          params(op),
        ),
      );
      break;
  }
}
