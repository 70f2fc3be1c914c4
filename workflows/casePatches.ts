// The versions of the case workflow that are still running. Cases live for months: each change to how a running
// case proceeds is taken only by cases that reach it with the new code (`patched()`), and test/histories/ keeps a
// recorded case of each era, replayed in CI. A patch is retired (deprecatePatch, then removed) only once no case
// without its marker can still be running; the histories under test/histories/2026-11/ and 2026-12-03/ are such
// cases for all four below, so all four stay. (Checked 2026-12-06: with WRITES_IN_ORDER deprecated, 12 of those 16
// histories fail to replay; the other three patches change which activities run, so theirs would too; and no
// history shows that no plan's case opened before PLAN_FACTS_AT_OPENING is still running.)

/**
 * From 2026-12-03 a step's timeline event, projection and notification are one local activity, where they were
 * two (a task for the worker's workflow thread and a database round trip saved per step).
 */
export const ONE_WRITE_PER_STEP = 'one-write-per-step';

/**
 * From 2026-12-03 the default rectification period is the plan's, else the items', else the bureau's (R12),
 * looked up when the review approves a result that needs rectifying. Cases approved before keep the bureau's.
 */
export const PERIOD_FROM_PLAN_AND_ITEMS = 'rectification-period-from-plan-and-items';

/**
 * From 2026-12-03 a plan's case reads its plan when it opens: the inspection notice lists the items with what to
 * prepare (none is sent when every item is unannounced), and the inspection is due by the end of the plan's period,
 * after which the office and the team are told. Cases opened before sent a bare notice and had no such due date.
 */
export const PLAN_FACTS_AT_OPENING = 'plan-facts-at-opening';

/**
 * From 2026-12-03 publication waits until the officer action that led to it (revisit, disposition) is written, so
 * the timeline reads in the order things happened; before, the two writes could land in either order.
 */
export const WRITES_IN_ORDER = 'publication-after-the-action-is-written';

/**
 * A reminder the case slept through (the worker or Temporal down at its time) is sent once, late, saying how
 * long is truly left, or not at all once the deadline has passed; the reminders after it still come (R12). Before,
 * it went out with its original words, even after the deadline, and the next one was skipped. Taken only at a
 * late reminder, so a case whose reminders all came on time records no marker.
 */
export const REMINDERS_AFTER_AN_OUTAGE = 'reminders-after-an-outage';
