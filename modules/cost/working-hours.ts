/**
 * Working hours, the one description both off-hours schedules read: EventBridge Scheduler stops and
 * starts the database (modules/cost/database-off-hours.ts), Kubernetes CronJobs put the cluster's
 * workloads to sleep and wake them (modules/platform/off-hours.ts). Each scheduler has its own cron
 * dialect; both are written from here.
 */

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

export interface WorkingHours {
  /** IANA time zone the hours are in, e.g. America/Los_Angeles. */
  readonly timezone: string;
  /** hh:mm things start on each workday. */
  readonly workdayStart: string;
  /** hh:mm things stop on each workday. */
  readonly workdayEnd: string;
  readonly workdays: readonly Weekday[];
}

const clock = (time: string): { hours: number; minutes: number } => {
  const [hours, minutes] = time.split(":").map(Number) as [number, number];
  return { hours, minutes };
};

/** EventBridge Scheduler: cron(minutes hours day-of-month month day-of-week year), days as MON,TUE. */
export function eventBridgeCron(time: string, days: readonly Weekday[]): string {
  const { hours, minutes } = clock(time);
  return `cron(${minutes} ${hours} ? * ${days.map((d) => d.toUpperCase()).join(",")} *)`;
}

/** Kubernetes CronJob (standard five-field cron): minutes hours day-of-month month day-of-week, Sunday 0. */
export function kubernetesCron(time: string, days: readonly Weekday[]): string {
  const { hours, minutes } = clock(time);
  const numbers: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
  return `${minutes} ${hours} * * ${days.map((d) => numbers[d]).join(",")}`;
}
