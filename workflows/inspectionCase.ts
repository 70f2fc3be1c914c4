// One inspection case, from opening to closure (R8–R17). This function only wires Temporal's messages to the case:
// InspectionCase (caseLifecycle.ts) holds its state and owns each step; the rules table (domain/caseRules.ts)
// validates every officer action before the step runs, so a refused action never touches the case.
import { setHandler } from '@temporalio/workflow';
import {
  awaitCaseOpened,
  cancelCase,
  declareConflict,
  entityLeftMarket,
  getCaseState,
  orderRectification,
  reassignOfficer,
  recordDisposition,
  recordInspection,
  recordRevisit,
  reportRectification,
  reviewInspection,
  type CaseState,
  type OpenCaseInput,
} from './caseMessages';
import { InspectionCase } from './caseLifecycle';

export { failureMessage } from './failures';

export async function inspectionCaseWorkflow(input: OpenCaseInput): Promise<CaseState> {
  const kase = new InspectionCase(input);

  setHandler(getCaseState, () => kase.state);
  setHandler(awaitCaseOpened, () => kase.opened());
  setHandler(recordInspection, (action) => kase.recordInspection(action), { validator: (action) => kase.validate('inspection', action) });
  setHandler(reviewInspection, (action) => kase.reviewInspection(action), { validator: (action) => kase.validate('review', action) });
  setHandler(orderRectification, (action) => kase.orderRectification(action), { validator: (action) => kase.validate('rectification-order', action) });
  setHandler(reportRectification, (action) => kase.reportRectification(action), { validator: (action) => kase.validate('rectification-report', action) });
  setHandler(recordRevisit, (action) => kase.recordRevisit(action), { validator: (action) => kase.validate('revisit', action) });
  setHandler(recordDisposition, (action) => kase.recordDisposition(action), { validator: (action) => kase.validate('disposition', action) });
  setHandler(declareConflict, (action) => kase.declareConflict(action), { validator: (action) => kase.validate('recusal', action) });
  setHandler(reassignOfficer, (action) => kase.reassignOfficer(action), { validator: (action) => kase.validate('reassignment', action) });
  setHandler(cancelCase, (action) => kase.cancel(action), { validator: (action) => kase.validate('cancel', action) });
  setHandler(entityLeftMarket, (signal) => kase.entityLeftMarket(signal));

  return kase.run();
}
