import http2 from 'node:http2';
import { httpsRequest, TimeoutError, type HttpsResult, type TlsMaterial } from './tls-client.ts';

/**
 * How a client reaches the server; the two fail over differently, so probes run in both styles.
 * new-connection: a new TCP and TLS connection per request, as a fresh kubectl does; a dead backend
 * is met at once. keepalive: one long-lived HTTP/2 connection (as client-go holds one to the load
 * balancer), replaced after a failure; requests ride on a connection HAProxy already routed.
 */
export type ClientStyle = 'new-connection' | 'keepalive';

export interface RequestOptions {
  method?: string;
  body?: string;
  contentType?: string;
  timeoutMs: number;
}

export interface ApiClient {
  readonly style: ClientStyle;
  /** The base URL it sends to. */
  readonly target: string;
  request(path: string, opts: RequestOptions): Promise<HttpsResult>;
  close(): void;
}

export function apiClient(style: ClientStyle, baseUrl: string, tls: TlsMaterial): ApiClient {
  return style === 'keepalive' ? new KeepAliveClient(baseUrl, tls) : new NewConnectionClient(baseUrl, tls);
}

class NewConnectionClient implements ApiClient {
  readonly style = 'new-connection';
  constructor(
    private readonly baseUrl: string,
    private readonly tls: TlsMaterial,
  ) {}

  get target(): string {
    return this.baseUrl;
  }

  request(path: string, opts: RequestOptions): Promise<HttpsResult> {
    return httpsRequest(`${this.baseUrl}${path}`, this.tls, {
      ...(opts.method ? { method: opts.method } : {}),
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      ...(opts.contentType ? { headers: { 'content-type': opts.contentType } } : {}),
      timeoutMs: opts.timeoutMs,
    });
  }

  close(): void {}
}

/** A failure before the connection was ever up: the request cannot have reached the server. */
export class NotConnectedError extends Error {
  override name = 'NotConnectedError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** One HTTP/2 session, replaced when it fails, times out a request, or the server sends GOAWAY. */
class KeepAliveClient implements ApiClient {
  readonly style = 'keepalive';
  private session?: http2.ClientHttp2Session;
  /** Sessions whose connection came up: a request on one may have reached the server. */
  private readonly connected = new WeakSet<http2.ClientHttp2Session>();
  private closed = false;

  constructor(
    private readonly baseUrl: string,
    private readonly tls: TlsMaterial,
  ) {}

  get target(): string {
    return this.baseUrl;
  }

  private current(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const s = http2.connect(this.baseUrl, { secureContext: this.tls.context });
    s.once('connect', () => this.connected.add(s));
    s.on('error', () => this.drop(s));
    // GOAWAY (a server shutting down, a restart): no new requests on it, but those under way finish,
    // as client-go does; destroying it would cut answers off mid-body and keep the server waiting.
    s.on('goaway', () => this.retire(s));
    s.on('close', () => this.drop(s));
    this.session = s;
    return s;
  }

  private retire(s: http2.ClientHttp2Session): void {
    if (this.session === s) this.session = undefined;
    if (!s.closed && !s.destroyed) s.close();
  }

  private drop(s: http2.ClientHttp2Session): void {
    if (this.session === s) this.session = undefined;
    if (!s.destroyed) s.destroy();
  }

  request(path: string, opts: RequestOptions): Promise<HttpsResult> {
    if (this.closed) return Promise.reject(new Error('client closed'));
    const session = this.current();
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | undefined, result?: HttpsResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          const neverUp = !this.connected.has(session) && !(err instanceof TimeoutError);
          // A failed request may have left the connection in any state: the next request gets a new one.
          this.drop(session);
          reject(neverUp ? new NotConnectedError(err.message, (err as { code?: string }).code) : err);
        } else resolve(result!);
      };
      const timer = setTimeout(
        () => finish(new TimeoutError(`timed out after ${opts.timeoutMs} ms`)),
        opts.timeoutMs,
      );
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request({
          ':method': opts.method ?? 'GET',
          ':path': path,
          accept: 'application/json',
          ...this.tls.headers,
          ...(opts.body !== undefined ? { 'content-type': opts.contentType ?? 'application/json' } : {}),
        });
      } catch (err) {
        return finish(err as Error);
      }
      let status = 0;
      let length: number | undefined;
      const chunks: Buffer[] = [];
      stream.on('response', (headers) => {
        status = Number(headers[':status'] ?? 0);
        if (headers['content-length'] !== undefined) length = Number(headers['content-length']);
      });
      stream.on('data', (c: Buffer) => chunks.push(c));
      const cut = (what: string) =>
        Object.assign(new Error(`${what} (code ${stream.rstCode ?? 'none'})`), { code: 'ECONNRESET' });
      // Node ends a stream's readable side when the stream closes for any reason, so 'end' alone does
      // not say the answer is whole: a body shorter than its content-length was cut off.
      const ended = () => {
        const body = Buffer.concat(chunks);
        if (status === 0) finish(cut('stream ended without an answer'));
        else if (length !== undefined && body.length !== length)
          finish(cut(`answer cut off after ${body.length} of ${length} bytes`));
        else finish(undefined, { status, body: body.toString('utf8') });
      };
      stream.on('end', ended);
      stream.on('error', (err) => finish(err));
      // A stream that closes before its end (its session destroyed, a reset) has no whole answer,
      // even after a 201's headers: the client saw an error, as client-go's would.
      stream.on('close', () =>
        finish(
          Object.assign(new Error(`stream closed before its end (code ${stream.rstCode ?? 'none'})`), {
            code: 'ECONNRESET',
          }),
        ),
      );
      if (opts.body !== undefined) stream.end(opts.body);
      else stream.end();
    });
  }

  close(): void {
    this.closed = true;
    if (this.session) this.drop(this.session);
  }
}
