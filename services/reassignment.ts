// The brigade office changes a case's team (R9, R10): an officer on leave, posted away or whose certificate was
// withdrawn is replaced by one the office names. The replacement must be able to serve on this case today (a
// valid certificate, R2; no declared conflict with the entity, R10): the directory answers that, the case's
// workflow checks the rest and records the change.
import { DomainError } from '../domain/errors';
import type { Actor } from '../domain/inspectionCase';
import { reassignOfficer } from '../workflows/caseMessages';
import { actOnCase, openingFacts, type CaseServices } from './cases';

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
  const replacement = officers.find((officer) => officer.id === request.replacementId);
  const refuse = (message: string) => new DomainError('invalid', message, [{ field: 'body.replacementId', message }]);
  if (!replacement) throw refuse('不在执法人员名录 / not in the officer directory');
  if (!replacement.certified) throw refuse(`${replacement.name}: 无有效执法证 / no valid enforcement certificate (R2)`);
  if (replacement.conflicted) throw refuse(`${replacement.name}: 与检查对象有利害关系，应回避 / has a declared conflict with the entity (R10)`);
  return actOnCase(services, caseId, reassignOfficer, request);
}
