/**
 * Earlier game days, read from their index.json files: every folder directly inside the history
 * directory that holds one. A folder whose index cannot be read is named, not fatal: one broken
 * night must not cost tonight's trends.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../util/errors.ts';
import type { EarlierNight, Trends } from './trends.ts';

const figure = z.number().nullable().optional();

/** The part of index.json trends read; older indexes lack apiP99Ms: that night did not record it. */
const earlierIndex = z.object({
  startedAt: z.string(),
  provider: z.string(),
  drills: z.array(
    z.object({
      scenario: z.string(),
      verdict: z.enum(['passed', 'failed', 'insufficient-evidence', 'could-not-run', 'not-run']),
      dir: z.string().optional(),
      settingsDigest: z.string().optional(),
      figures: z.object({ failoverMs: figure, apiP99Ms: figure }).optional(),
    }),
  ),
});

function parseEarlierIndex(text: string, dir: string): EarlierNight {
  const parsed = earlierIndex.parse(JSON.parse(text));
  return {
    dir,
    startedAt: parsed.startedAt,
    provider: parsed.provider,
    drills: parsed.drills.map((d) => ({
      scenario: d.scenario,
      verdict: d.verdict,
      ...(d.dir === undefined ? {} : { dir: d.dir }),
      ...(d.settingsDigest === undefined ? {} : { settingsDigest: d.settingsDigest }),
      ...(d.figures
        ? {
            figures: {
              ...(d.figures.failoverMs === undefined ? {} : { failoverMs: d.figures.failoverMs }),
              ...(d.figures.apiP99Ms === undefined ? {} : { apiP99Ms: d.figures.apiP99Ms }),
            },
          }
        : {}),
    })),
  };
}

export function readHistory(
  historyDir: string,
  exclude: string,
): { nights: EarlierNight[]; unreadable: Trends['unreadable'] } {
  const nights: EarlierNight[] = [];
  const unreadable: Trends['unreadable'] = [];
  if (!existsSync(historyDir)) return { nights, unreadable };
  for (const entry of readdirSync(historyDir, { withFileTypes: true })) {
    const dir = path.join(historyDir, entry.name);
    if (!entry.isDirectory() || path.resolve(dir) === path.resolve(exclude)) continue;
    const file = path.join(dir, 'index.json');
    if (!existsSync(file)) continue;
    try {
      nights.push(parseEarlierIndex(readFileSync(file, 'utf8'), dir));
    } catch (err) {
      const why =
        err instanceof z.ZodError
          ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
          : errorMessage(err);
      unreadable.push({ dir, why });
    }
  }
  return { nights, unreadable };
}
