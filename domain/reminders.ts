// R12: the reminders before a rectification deadline, and what one says when it is sent. A case can sleep through
// a reminder's time (its worker or Temporal down); when it wakes, one reminder stands for all those whose time has
// come, saying how long is truly left, and none is sent once the deadline has passed.

export interface ReminderOnWaking {
  /** The reminder to send now; none once the deadline has passed. */
  send?: { daysBefore: number; message: string };
  /** The last reminder of the schedule this waking accounts for (sent, or passed over). */
  through: number;
  /** Woken within the tolerance of its time with no later reminder's time passed: it says what it always said. */
  onTime: boolean;
}

/** The schedule's days before the deadline, earliest reminder first. */
export function reminderSchedule(daysBefore: readonly number[]): number[] {
  return [...daysBefore].sort((a, b) => b - a);
}

/** How long is left, as the team reads it: whole days, then hours (a "day" is `dayMs`, shortened in tests). */
export function remainingMessage(remainingMs: number, dayMs: number): string {
  const hours = Math.round((remainingMs * 24) / dayMs);
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  if (hours <= 0) return '整改期限不足 1 小时 / less than an hour to the rectification deadline';
  if (rest === 0) return `整改期限还有 ${days} 天 / ${days} day(s) to the rectification deadline`;
  if (days === 0) return `整改期限还有 ${rest} 小时 / ${rest} hour(s) to the rectification deadline`;
  return `整改期限还有 ${days} 天 ${rest} 小时 / ${days} day(s) ${rest} hour(s) to the rectification deadline`;
}

/**
 * How late a reminder may wake and still say what it would have said on time: an hour of the case's "days", and
 * never less than the few seconds a busy worker takes to run a timer's task.
 */
export function reminderTolerance(dayMs: number): number {
  return Math.max(dayMs / 24, 5_000);
}

/** The case wakes at `now` for the reminder at `index` of `schedule` (earliest first). */
export function reminderOnWaking(schedule: readonly number[], index: number, deadline: number, dayMs: number, now: number): ReminderOnWaking {
  if (now >= deadline) return { through: schedule.length - 1, onTime: false };
  let through = index;
  while (through + 1 < schedule.length && deadline - schedule[through + 1]! * dayMs <= now) through += 1;
  const daysBefore = schedule[through]!;
  const onTime = through === index && now - (deadline - daysBefore * dayMs) <= reminderTolerance(dayMs);
  const message = remainingMessage(onTime ? daysBefore * dayMs : deadline - now, dayMs);
  return { send: { daysBefore, message }, through, onTime };
}
