// What a drawn case opens with (R8): its id, the entity drawn, the team drawn, the draw's name and plan. The same
// whichever way the case is started: as a child of the draw workflow (draws before 2026-12-06 evening) or by id
// from the draw's activity (`openDrawnCases`, activities/draws.ts).
import type { SearchAttributePair } from '@temporalio/common';
import { searchAttributes } from '../config/temporal';
import { caseWorkflowId } from '../domain/inspectionCase';
import type { CaseTiming, OpenCaseInput } from './caseMessages';

/** What every case of one draw shares. */
export interface DrawnCaseOpening {
  drawId: string;
  drawName: string;
  planId?: string;
  actor: string;
  timing: CaseTiming;
  deliverNotifications?: boolean;
}

/** One pick of the draw, with the case id the draw gave it. */
export interface DrawnCase {
  caseId: string;
  entityId: string;
  entityUscc: string;
  entityName: string;
  team: string[];
}

export interface DrawnCaseStart {
  workflowId: string;
  args: [OpenCaseInput];
  typedSearchAttributes: SearchAttributePair[];
}

export function drawnCaseStart(opening: DrawnCaseOpening, drawn: DrawnCase): DrawnCaseStart {
  const planId = opening.planId ?? opening.drawId;
  return {
    workflowId: caseWorkflowId(drawn.caseId),
    args: [
      {
        caseId: drawn.caseId,
        entityId: drawn.entityId,
        entityUscc: drawn.entityUscc,
        entityName: drawn.entityName,
        origin: 'random',
        originReason: `双随机抽取：${opening.drawName} / random draw: ${opening.drawName}`,
        planId,
        team: drawn.team,
        openedBy: opening.actor,
        timing: opening.timing,
        deliverNotifications: opening.deliverNotifications,
      },
    ],
    typedSearchAttributes: [
      { key: searchAttributes.caseStatus, value: 'opening' },
      { key: searchAttributes.caseOrigin, value: 'random' },
      { key: searchAttributes.caseEntityUscc, value: drawn.entityUscc },
      { key: searchAttributes.casePlanId, value: planId },
    ],
  };
}
