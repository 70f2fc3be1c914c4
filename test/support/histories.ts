// Recorded histories of real case runs. `RECORD_HISTORIES=1 npm test -- lifecycle plans` writes them under
// test/histories/; the replay test runs every recorded history against today's workflow code, so a change
// that would break the cases already running fails CI (change running logic behind `patched()`).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { projectRoot } from '../../infra/paths';

export const historiesDir = path.join(projectRoot, 'test', 'histories');

/** The case's workflow by default; another workflow (a penalty decision, say) by its id. */
export async function recordHistory(temporal: Client, scenario: string, caseId: string, workflowId = `inspection-case-${caseId}`): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(path.join(historiesDir, `${scenario}.json`), historyToJSON(history));
}
