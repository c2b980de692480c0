/**
 * Reads a ConfigMap's data value from the bytes the apiserver stored in etcd:
 * the "k8s\0" magic, then runtime.Unknown (field 2: raw), whose raw is the
 * ConfigMap (field 2: data, a map of string to string). A minimal protobuf
 * wire-format walk, enough for this one shape.
 */
const MAGIC = Buffer.from('k8s\u0000', 'latin1');

interface Field {
  number: number;
  /** Length-delimited payload; absent for varint and fixed fields. */
  bytes?: Buffer;
}

function varint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (let i = at; i < buf.length; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, i + 1];
    shift += 7;
    if (shift > 63) break;
  }
  throw new Error('bad varint');
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  while (at < buf.length) {
    const [tag, next] = varint(buf, at);
    at = next;
    const number = Math.floor(tag / 8);
    switch (tag & 7) {
      case 0:
        at = varint(buf, at)[1];
        out.push({ number });
        break;
      case 1:
        at += 8;
        out.push({ number });
        break;
      case 2: {
        const [length, start] = varint(buf, at);
        if (start + length > buf.length) throw new Error('truncated field');
        out.push({ number, bytes: buf.subarray(start, start + length) });
        at = start + length;
        break;
      }
      case 5:
        at += 4;
        out.push({ number });
        break;
      default:
        throw new Error(`unsupported wire type ${tag & 7}`);
    }
  }
  return out;
}

/** The value under `key` in a stored ConfigMap's data; undefined when the bytes are not one (or lack it). */
export function storedConfigMapValue(stored: Buffer, key = 'value'): string | undefined {
  try {
    if (!stored.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const raw = fields(stored.subarray(MAGIC.length)).find((f) => f.number === 2)?.bytes;
    if (!raw) return undefined;
    for (const entry of fields(raw).filter((f) => f.number === 2 && f.bytes)) {
      const kv = fields(entry.bytes!);
      if (kv.find((f) => f.number === 1)?.bytes?.toString('utf8') === key)
        return kv.find((f) => f.number === 2)?.bytes?.toString('utf8') ?? '';
    }
    return undefined;
  } catch {
    return undefined;
  }
}
