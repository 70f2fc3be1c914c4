// The Temporal operations of one case's lifecycle and nothing else: what the engine itself costs, for bench/cases
// to set beside the system. An update-with-start that answers once the first write is done, five updates each
// with a local-activity write, the case's search-attribute upserts, and one activity (the credit push). The
// activities do nothing: no database, no HTTP.
import { condition, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes, defineUpdate } from '@temporalio/workflow';
import { searchAttributes } from '../../config/temporal';

export interface BareActivities {
  write(step: string): Promise<void>;
  push(caseId: string): Promise<{ delivered: boolean }>;
}

const local = proxyLocalActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });
const remote = proxyActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });

export const opened = defineUpdate<string>('opened');
export const step = defineUpdate<string, [string]>('step');

/** The five officer actions of bench/cases' lifecycle, and the status each leaves the case in. */
const statusAfter: Record<string, string | undefined> = {
  inspection: 'under_review',
  review: 'awaiting_rectification_order',
  'rectification-order': 'rectifying',
  'rectification-report': undefined,
  revisit: 'publishing',
};

export async function bareCaseWorkflow(caseId: string, team: string[]): Promise<string> {
  let status = 'opening';
  let openingDone = false;
  let steps = 0;
  const setStatus = (next: string) => {
    status = next;
    upsertSearchAttributes([{ key: searchAttributes.caseStatus, value: next }]);
  };
  setHandler(opened, async () => {
    await condition(() => openingDone);
    return status;
  });
  setHandler(step, async (action) => {
    const next = statusAfter[action];
    if (next) setStatus(next);
    if (action === 'rectification-order') upsertSearchAttributes([{ key: searchAttributes.caseDeadline, value: new Date() }]);
    await local.write(action);
    steps += 1;
    return status;
  });

  await local.write('opened');
  setStatus('awaiting_inspection');
  upsertSearchAttributes([{ key: searchAttributes.caseTeam, value: team }]);
  openingDone = true;
  await condition(() => steps === 5);
  await remote.push(caseId);
  setStatus('closed');
  return status;
}
