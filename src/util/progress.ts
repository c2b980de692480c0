/** Progress lines for long work: "[  2m13s] kubernetes kube-apiserver: building". */
const started = Date.now();

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(s % 60).padStart(2, '0')}s`;
}

export function progress(message: string): void {
  const t = formatDuration(Date.now() - started).padStart(7);
  process.stderr.write(`[${t}] ${message}\n`);
}

/**
 * Runs work while printing a heartbeat every `everyMs`, so a long build in CI
 * never looks hung.
 */
export async function withHeartbeat<T>(label: string, work: () => Promise<T>, everyMs = 30_000): Promise<T> {
  const t0 = Date.now();
  const timer = setInterval(
    () => progress(`${label}: still working (${formatDuration(Date.now() - t0)})`),
    everyMs,
  );
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
