/**
 * RDS backup and maintenance windows as minute intervals, for the config rules. The constraints
 * are the CreateDBInstance API's (PreferredBackupWindow, PreferredMaintenanceWindow; AWS SDK
 * reference, read 2026-12-01): hh24:mi-hh24:mi and ddd:hh24:mi-ddd:hh24:mi in UTC, each at least
 * 30 minutes, and the two must not conflict.
 */

const DAY = 24 * 60;
const WEEK = 7 * DAY;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const MIN_WINDOW_MINUTES = 30;

/** [start, end) in minutes; end may pass the period (a window across midnight or Sunday night). */
export type MinuteSpan = readonly [number, number];

function clock(hh: string, mm: string): number | undefined {
  const h = Number(hh);
  const m = Number(mm);
  return h <= 23 && m <= 59 ? h * 60 + m : undefined;
}

const span = (start: number, end: number, period: number): MinuteSpan => [start, end > start ? end : end + period];

/** A daily `hh:mm-hh:mm` window, or undefined when a time is not a clock time (25:00, 10:75). */
export function dailyWindow(text: string): MinuteSpan | undefined {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text);
  const start = m && clock(m[1]!, m[2]!);
  const end = m && clock(m[3]!, m[4]!);
  return start == null || end == null ? undefined : span(start, end, DAY);
}

/** A weekly `ddd:hh:mm-ddd:hh:mm` window, in minutes from Monday 00:00. */
export function weeklyWindow(text: string): MinuteSpan | undefined {
  const m = /^([a-z]{3}):(\d{2}):(\d{2})-([a-z]{3}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [startDay, endDay] = [DAYS.indexOf(m[1] as (typeof DAYS)[number]), DAYS.indexOf(m[4] as (typeof DAYS)[number])];
  const start = clock(m[2]!, m[3]!);
  const end = clock(m[5]!, m[6]!);
  if (startDay < 0 || endDay < 0 || start === undefined || end === undefined) return undefined;
  return span(startDay * DAY + start, endDay * DAY + end, WEEK);
}

export const minutesOf = ([start, end]: MinuteSpan) => end - start;

/** Whether the daily window, on any day of the week, overlaps the weekly one. */
export function dailyOverlapsWeekly(daily: MinuteSpan, weekly: MinuteSpan): boolean {
  for (let day = -1; day <= 7; day++) {
    const [start, end] = [daily[0] + day * DAY, daily[1] + day * DAY];
    for (const shift of [-WEEK, 0, WEEK]) if (start < weekly[1] + shift && weekly[0] + shift < end) return true;
  }
  return false;
}
