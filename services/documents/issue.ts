// Issuing a case's documents: the first request for a document the case can have gives it its 文号 (per kind and
// year, never given twice), makes the PDF, keeps it with its SHA-256 and puts the issue on the case's timeline
// (R20). Every later request serves the same bytes, so the hash on the timeline always matches the document.
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';
import type { CaseDetail } from '../../domain/caseDetail';
import { DomainError } from '../../domain/errors';
import { chinaDate } from '../../domain/deadlines';
import { documentNumber, documentTitles, type DocumentKind } from '../../domain/issuer';
import { appendAudit } from '../audit';
import { composeDocument, type ComposedDocument, type DocumentFacts } from './compose';

export interface IssuedPdf {
  pdf: Buffer;
  numbers: string[];
  sha256: string;
  issuedAt: Date;
}

async function factsOf(db: Db, found: CaseDetail): Promise<DocumentFacts> {
  const notice = found.timeline.find((event) => event.kind === 'inspection_notice_sent')?.data as { items?: Array<{ code: string }> } | undefined;
  const inspections = found.records.filter((record) => record.kind === 'inspection').map((record) => record.data as { items?: Array<{ itemCode: string }>; officersPresent?: string[] });
  const codes = [...new Set([...(notice?.items ?? []).map((item) => item.code), ...inspections.flatMap((record) => (record.items ?? []).map((item) => item.itemCode))])];
  const officerIds = [...new Set([...found.team, ...inspections.flatMap((record) => record.officersPresent ?? [])])];
  const [entity, items, officers] = await Promise.all([
    db.entity.findUniqueOrThrow({ where: { id: found.entity.id }, select: { name: true, uscc: true, address: true, legalRepresentative: true, category: true } }),
    db.inspectionItem.findMany({ where: { code: { in: codes } }, select: { code: true, name: true, legalBasis: true, categories: true } }),
    db.officer.findMany({ where: { id: { in: officerIds } }, select: { id: true, name: true, certificateNumber: true } }),
  ]);
  return {
    found,
    entity,
    items: new Map(items.map((item) => [item.code, item])),
    officers: new Map(officers.map((officer) => [officer.id, officer])),
  };
}

/** The next serial of a kind in a year, in one statement: concurrent issuers never get the same one. */
async function nextSerial(db: Pick<Db, '$queryRaw'>, kind: DocumentKind, year: number): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ last: number }>>`
    insert into "DocumentSerial" (kind, year, last) values (${kind}, ${year}, 1)
    on conflict (kind, year) do update set last = "DocumentSerial".last + 1
    returning last`;
  return row!.last;
}

/**
 * The case's document of this kind as issued, issuing it now if it has not been. A case without such a document
 * (no rectification ordered yet, say) is a 404 naming what is missing.
 */
/**
 * The document as issued; issued now (numbered, kept, on the timeline) when it has not been yet and the caller may
 * issue it (`mayIssue`: the case's team and the brigade office). Others — leadership, auditors — read what was issued.
 */
export async function issuedDocument(db: Db, found: CaseDetail, kind: DocumentKind, actorId: string, mayIssue = true): Promise<IssuedPdf> {
  const composed = composeDocument(kind, await factsOf(db, found));
  if (!composed) {
    throw new DomainError('not_found', `此案件尚无${documentTitles[kind].zh} / this case has no ${documentTitles[kind].en.toLowerCase()} yet`);
  }
  const where = { caseId_kind_subject: { caseId: found.id, kind, subject: composed.subject } };
  const kept = await db.issuedDocument.findUnique({ where });
  if (kept) return { pdf: Buffer.from(kept.pdf), numbers: kept.numbers, sha256: kept.sha256, issuedAt: kept.issuedAt };
  if (!mayIssue) {
    throw new DomainError('not_found', `${documentTitles[kind].zh}尚未由检查组或执法大队出具 / the ${documentTitles[kind].en.toLowerCase()} has not been issued by the team or the office yet`);
  }
  const issued = await issue(db, found.id, composed, actorId);
  await appendAudit(db, {
    actor: actorId,
    action: `ISSUE ${kind}`,
    target: found.id,
    data: { numbers: issued.numbers, sha256: issued.sha256 },
  });
  return issued;
}

async function issue(db: Db, caseId: string, composed: ComposedDocument, actorId: string): Promise<IssuedPdf> {
  return db.$transaction(
    async (tx) => {
      // Two first requests at once: the second waits here, then finds the first one's document.
      await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${`document:${caseId}:${composed.kind}:${composed.subject}`}))`;
      const kept = await tx.issuedDocument.findUnique({ where: { caseId_kind_subject: { caseId, kind: composed.kind, subject: composed.subject } } });
      if (kept) return { pdf: Buffer.from(kept.pdf), numbers: kept.numbers, sha256: kept.sha256, issuedAt: kept.issuedAt };
      const year = Number(chinaDate(new Date(composed.date.length === 10 ? `${composed.date}T00:00:00+08:00` : composed.date)).slice(0, 4));
      const numbers: string[] = [];
      for (let letter = 0; letter < composed.letters; letter += 1) numbers.push(documentNumber(composed.kind, year, await nextSerial(tx, composed.kind, year)));
      const issuedAt = new Date();
      const pdf = await composed.render(numbers, issuedAt);
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      await tx.issuedDocument.create({
        data: { id: randomUUID(), caseId, kind: composed.kind, subject: composed.subject, numbers, sha256, pdf: new Uint8Array(pdf), issuedBy: actorId, issuedAt },
      });
      await tx.caseEvent.create({
        data: {
          caseId,
          eventKey: `document:${composed.kind}:${composed.subject}`,
          kind: 'document_issued',
          actor: actorId,
          data: { document: composed.kind, title: documentTitles[composed.kind].zh, numbers, sha256 },
          at: issuedAt,
        },
      });
      return { pdf, numbers, sha256, issuedAt };
    },
    { timeout: 30_000 },
  );
}
