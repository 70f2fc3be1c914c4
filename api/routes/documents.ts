// A case's documents as the PDFs the bureau serves and signs: 随机抽查通知书, 检查记录表, 责令整改通知书, 移送函.
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { documentKinds, documentTitles } from '../../domain/issuer';
import { conflictRefusal, hasDeclaredConflict, readCase } from '../../services/cases';
import { issuedDocument } from '../../services/documents/issue';
import { actorOf, principalOf, seesOnlyOwnCases, type ApiDependencies } from '../context';
import { route } from '../http';

export function documentRoutes(dependencies: Pick<ApiDependencies, 'db' | 'temporal'>) {
  return [
    route({
      method: 'get',
      path: '/cases/:id/documents/:kind.pdf',
      summary: '案件文书 PDF（检查组或执法大队首次取得时出具：编文号并记入时间线）/ A case document as PDF (issued — numbered, put on the timeline — when the team or the office first gets it)',
      tags: ['cases'],
      access: ['leadership', 'coordinator', 'auditor', 'officer'],
      params: z.strictObject({
        id: z.uuid(),
        kind: z.enum(documentKinds).meta({ description: documentKinds.map((kind) => `${kind}: ${documentTitles[kind].zh}`).join('; ') }),
      }),
      responses: {
        200: {
          description: 'A4 PDF，GB/T 9704 版式；X-Document-Number 为文号，X-Document-SHA256 为记入时间线的散列 / the PDF; its 文号 and the SHA-256 kept on the timeline in the headers',
          mediaTypes: ['application/pdf'],
        },
        403: { description: '执法人员只能取得本人所在检查组案件的文书 / an officer gets only their own team\'s documents' },
        404: { description: '案件不存在、尚无该文书，或尚未出具（领导、审计人员只读已出具的）/ no such case, no such document yet, or not issued yet (leadership and auditors read issued ones only)' },
      },
      async handler({ params, req, res }) {
        const found = await readCase(dependencies, params.id);
        const principal = principalOf(req);
        if (seesOnlyOwnCases(principal)) {
          if (!found.team.includes(principal.officerId ?? '')) throw new DomainError('refused', '您不在本案检查组 / you are not on this case\'s team');
          if (await hasDeclaredConflict(dependencies.db, principal.officerId!, found.entity.id)) throw conflictRefusal();
        }
        // Issuing numbers and keeps a document: the team and the office do it; leadership and auditors read.
        const mayIssue = principal.roles.includes('coordinator') || (principal.officerId !== null && principal.officerId !== undefined && found.team.includes(principal.officerId));
        const issued = await issuedDocument(dependencies.db, found, params.kind, actorOf(req).id, mayIssue);
        const fileName = `${documentTitles[params.kind].zh}-${issued.numbers[0]}.pdf`;
        res
          .status(200)
          .type('application/pdf')
          .set({
            'content-disposition': `inline; filename="${params.kind}.pdf"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
            'x-document-number': encodeURIComponent(issued.numbers.join(',')),
            'x-document-sha256': issued.sha256,
            'cache-control': 'private, no-store',
          })
          .send(issued.pdf);
        return { status: 200 };
      },
    }),
  ];
}
