// Real cases live for months: every recorded history must replay against today's workflow code without a
// non-determinism error. A change to running logic goes behind `patched()`, and its new branch gets a
// recorded history of its own.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it, inject } from 'vitest';
import { historiesDir } from '../support/histories';

// The newest recordings lie at the top; those of earlier workflow code, still running in production, in a
// folder named for when they were recorded (2026-11: before ONE_WRITE_PER_STEP).
const files = readdirSync(historiesDir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.json')).sort();
const current = files.filter((file) => !file.includes(path.sep));

describe('R20 recorded case histories replay on the current workflow code', () => {
  it('R20 the recorded scenarios of the current code cover every branch of the lifecycle', () => {
    expect(current.map((file) => file.replace('.json', ''))).toEqual(
      expect.arrayContaining([
        'rectified-after-revisit',
        'no-problem-found',
        'penalty-and-blacklist',
        'transfer-and-police-referral',
        'escalated-revisit',
        'recusal-then-cancelled',
        'entity-deregistered',
        'returned-then-approved',
        // Recorded by test/workflows/caseWorkflow.test.ts: reminders the case slept through (REMINDERS_AFTER_AN_OUTAGE).
        'reminders-after-an-outage',
        'reminders-slept-past-the-deadline',
      ]),
    );
  });

  it.each(files)('R20 %s replays deterministically', async (file) => {
    const history = JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file),
    ).resolves.toBeUndefined();
  });
});

describe('R20 the replay check catches a change that would break running cases', () => {
  it('R20 a history whose recorded steps differ from what the code does fails to replay', async () => {
    const history = JSON.parse(readFileSync(path.join(historiesDir, '2026-11', 'no-problem-found.json'), 'utf8'));
    const scheduled = history.events.find((event: { eventType: string }) => event.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'somethingElse';
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, 'altered'),
    ).rejects.toThrow(/[Nn]ondeterminism|DeterminismViolation|somethingElse/);
  });
});
