/**
 * Tonight's figures beside earlier nights': for each drill, its failover and its API P99 against the
 * median of the nights before, and whether either regressed beyond the tolerance. Pure.
 */
import { createHash } from 'node:crypto';
import { median } from '../analysis/median.ts';
import type { Scenario } from '../scenario/types.ts';
import type { DrillOutcome, GamedayIndex } from './suite-outcome.ts';

/** At most this many earlier nights are looked at, newest first. */
export const TREND_NIGHTS = 7;

/** Changes smaller than these are never a regression, whatever the ratio: below them it is noise. */
export const TREND_FLOORS = {
  /** Ten probe intervals: a failover read at 100 ms resolution moves by this much from run to run. */
  failoverMs: 1000,
  /** P99s of tens of milliseconds move by tens of milliseconds from run to run on a shared machine. */
  apiP99Ms: 100,
} as const;

export const DEFAULT_TOLERANCE_PERCENT = 50;

export type TrendFigureName = keyof typeof TREND_FLOORS;

/** JSON with object keys sorted, so equal settings give equal text whatever order they were built in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What makes two runs of a drill comparable: everything of the scenario as it ran (faults, phases,
 * load, SLOs, cluster settings, after the game day's overrides) but its name and description. A
 * failover under 60 req/s and a 20 s hold is not tonight's regression against one under 20 req/s.
 */
export function settingsDigest(scenario: Scenario): string {
  const { name: _name, description: _description, ...settings } = scenario;
  return createHash('sha256').update(canonicalJson(settings)).digest('hex');
}

/** One earlier game day, as its index.json says. */
export interface EarlierNight {
  /** The game day's directory, as given (absolute). */
  dir: string;
  startedAt: string;
  provider: string;
  drills: {
    scenario: string;
    verdict: DrillOutcome['verdict'];
    dir?: string;
    /** settingsDigest() of the drill as it ran; absent in an index.json written before it existed. */
    settingsDigest?: string;
    /** A figure absent from an older index.json was not recorded that night; null: not reached. */
    figures?: Partial<Record<TrendFigureName, number | null>>;
  }[];
}

export type TrendChange = 'regressed' | 'improved' | 'steady' | 'no-history';

export interface FigureTrend {
  /** Each earlier night that recorded the figure, oldest first (null: not reached or not measured). */
  earlier: { startedAt: string; value: number | null }[];
  /** The median of the earlier figures that exist; null when none does. */
  baseline: number | null;
  tonight: number | null;
  change: TrendChange;
  /** Why, in words, with the figures. */
  detail: string;
}

export interface DrillTrend {
  /** The drill's place in tonight's suite (a suite may run one scenario twice). */
  position: number;
  scenario: string;
  /** The earlier nights that ran this drill with the same settings, oldest first (their startedAt and the drill's report directory). */
  nights: { startedAt: string; reportDir: string | null }[];
  /** Earlier nights that ran it with other settings (or before settings were recorded): not compared. */
  otherSettings: number;
  failoverMs: FigureTrend;
  apiP99Ms: FigureTrend;
}

export interface Trends {
  /** Where earlier game days were looked for. */
  historyDir: string;
  /** Earlier game days of the same provider that were read, oldest first. */
  nights: { startedAt: string; dir: string }[];
  /** Folders there that hold an index.json that could not be read, and why. */
  unreadable: { dir: string; why: string }[];
  tolerancePercent: number;
  floors: typeof TREND_FLOORS;
  drills: DrillTrend[];
}

const shown = (name: TrendFigureName, v: number | null): string =>
  v === null ? 'not reached' : name === 'failoverMs' ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(0)} ms`;

/** Compares tonight's figure with the median of the earlier ones. */
export function figureTrend(
  name: TrendFigureName,
  earlier: FigureTrend['earlier'],
  tonight: number | null,
  tolerancePercent: number,
): FigureTrend {
  const values = earlier.map((e) => e.value).filter((v): v is number => v !== null);
  const baseline = median(values) ?? null;
  const base = { earlier, baseline, tonight };
  if (earlier.length === 0)
    return {
      ...base,
      change: 'no-history',
      detail: 'no earlier night ran this drill with the same settings',
    };
  if (baseline === null) {
    return tonight === null
      ? { ...base, change: 'steady', detail: 'not reached tonight, nor on any earlier night' }
      : { ...base, change: 'improved', detail: `${shown(name, tonight)}; not reached on any earlier night` };
  }
  if (tonight === null) {
    return {
      ...base,
      change: 'regressed',
      detail: `not reached tonight; the median of ${values.length} earlier nights is ${shown(name, baseline)}`,
    };
  }
  const ratio = 1 + tolerancePercent / 100;
  const floor = TREND_FLOORS[name];
  const against = `${shown(name, tonight)} against a median of ${shown(name, baseline)} over ${values.length} earlier night${values.length === 1 ? '' : 's'}`;
  if (tonight > baseline * ratio && tonight - baseline > floor)
    return {
      ...base,
      change: 'regressed',
      detail: `${against}: more than ${tolerancePercent} % and ${shown(name, floor)} worse`,
    };
  if (tonight * ratio < baseline && baseline - tonight > floor)
    return { ...base, change: 'improved', detail: `${against}: better beyond the tolerance` };
  return {
    ...base,
    change: 'steady',
    detail: `${against}: within ${tolerancePercent} % (or ${shown(name, floor)})`,
  };
}

/**
 * Trends of tonight's drills against the earlier nights of the same provider: up to TREND_NIGHTS
 * of them, the newest before tonight. Drills that did not run tonight have none.
 */
export function trendsOf(
  tonight: Pick<GamedayIndex, 'drills' | 'provider' | 'startedAt'>,
  earlierNights: readonly EarlierNight[],
  opts: { historyDir: string; tolerancePercent: number; unreadable?: Trends['unreadable'] },
): Trends {
  const nights = earlierNights
    .filter((n) => n.provider === tonight.provider && n.startedAt < tonight.startedAt)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .slice(-TREND_NIGHTS);
  const drills: DrillTrend[] = [];
  for (const d of tonight.drills) {
    if (!d.figures) continue;
    const sameDrill = nights.flatMap((n) =>
      n.drills.filter((x) => x.scenario === d.scenario && x.figures).map((drill) => ({ night: n, drill })),
    );
    // Only runs with the same settings compare; a night that ran it twice alike counts once.
    const ran = sameDrill.filter(
      (r, i) =>
        r.drill.settingsDigest !== undefined &&
        r.drill.settingsDigest === d.settingsDigest &&
        sameDrill.findIndex((x) => x.night === r.night && x.drill.settingsDigest === d.settingsDigest) === i,
    );
    const figure = (name: TrendFigureName) =>
      figureTrend(
        name,
        ran.flatMap((r) => {
          const value = r.drill.figures?.[name];
          return value === undefined ? [] : [{ startedAt: r.night.startedAt, value }];
        }),
        d.figures?.[name] ?? null,
        opts.tolerancePercent,
      );
    drills.push({
      position: d.position,
      scenario: d.scenario,
      nights: ran.map((r) => ({
        startedAt: r.night.startedAt,
        reportDir: r.drill.dir ? `${r.night.dir}/${r.drill.dir}` : null,
      })),
      otherSettings: new Set(sameDrill.map((r) => r.night)).size - new Set(ran.map((r) => r.night)).size,
      failoverMs: figure('failoverMs'),
      apiP99Ms: figure('apiP99Ms'),
    });
  }
  return {
    historyDir: opts.historyDir,
    nights: nights.map((n) => ({ startedAt: n.startedAt, dir: n.dir })),
    unreadable: opts.unreadable ?? [],
    tolerancePercent: opts.tolerancePercent,
    floors: TREND_FLOORS,
    drills,
  };
}
