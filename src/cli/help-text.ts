import { HELP_OPTION, type CommandSpec, type OptionSpec } from './option-spec.ts';

/** Where help lines wrap: as wide as the hand-written help texts were. */
const WIDTH = 96;

/** A command's --help, made from its declaration. */
export function helpText(spec: CommandSpec): string {
  const usage = spec.usage.map((u, i) => `${i === 0 ? 'usage:' : '      '} npm run ${spec.name} -- ${u}`);
  const options = Object.entries({ ...spec.options, ...HELP_OPTION }).map(
    ([name, o]) => [flagColumn(name, o), describe(o)] as const,
  );
  return [
    usage.join('\n'),
    spec.about,
    spec.operands && table(spec.operands),
    `options:\n${table(options)}`,
    spec.notes,
  ]
    .filter((part) => part !== undefined)
    .join('\n\n');
}

/** Two columns: the left padded to its widest entry, the right wrapped under itself. */
export function table(rows: readonly (readonly [string, string])[]): string {
  const column = Math.max(...rows.map(([left]) => left.length)) + 4;
  return rows.map(([left, right]) => wrap(`  ${left.padEnd(column - 2)}${right}`, column)).join('\n');
}

function flagColumn(name: string, o: OptionSpec): string {
  const names = [`--${name}`, ...(o.short ? [`-${o.short}`] : [])].join(', ');
  return o.type === 'string' ? `${names} ${o.placeholder}` : names;
}

function describe(o: OptionSpec): string {
  const fallback = (o.type === 'string' ? o.default : undefined) ?? o.defaultNote;
  return fallback === undefined ? o.help : `${o.help} (default: ${fallback})`;
}

/** Breaks a line at spaces before WIDTH; continuation lines are indented to `indent`. */
function wrap(line: string, indent: number): string {
  const lines: string[] = [];
  let rest = line;
  while (rest.length > WIDTH) {
    const cut = rest.lastIndexOf(' ', WIDTH);
    if (cut <= indent) break;
    lines.push(rest.slice(0, cut));
    rest = `${' '.repeat(indent)}${rest.slice(cut + 1)}`;
  }
  return [...lines, rest].join('\n');
}
