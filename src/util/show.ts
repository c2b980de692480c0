/** A value as a person would write it: strings quoted, long objects cut short. Never throws. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return String(value);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // A cycle or a bigint inside.
  }
  if (json === undefined) return Object.prototype.toString.call(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
