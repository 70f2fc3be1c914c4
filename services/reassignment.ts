// The brigade office changes a case's team (R9, R10): an officer on leave, posted away or whose certificate was
// withdrawn is replaced by one the office names. The replacement must be able to serve on this case today (a
// valid certificate, R2; no declared conflict with the entity, R10): the directory answers that, the case's
// workflow checks the rest and records the change.
import { DomainError } from '../domain/errors';
import type { Actor } from '../domain/inspectionCase';
import { actOnCase, officerUnfitness, openingFacts, type CaseServices } from './cases';

export interface ReassignmentRequest {
  officerId: string;
  replacementId: string;
  reason: string;
  actor: Actor;
}

export async function reassignCaseOfficer(services: CaseServices, caseId: string, request: ReassignmentRequest) {
  const found = await services.db.inspectionCase.findUnique({ where: { id: caseId }, select: { entityId: true } });
  if (!found) throw new DomainError('not_found', `案件不存在 / no case ${caseId}`);
  const { officers } = await openingFacts(services.db, found.entityId, [request.replacementId], new Date());
  const unfit = officerUnfitness(officers, request.replacementId);
  if (unfit) throw new DomainError('invalid', unfit, [{ field: 'body.replacementId', message: unfit }]);
  return actOnCase(services, caseId, 'reassignment', request);
}
