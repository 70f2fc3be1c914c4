// 执法人员 (R2) and declared conflicts (R10): the minimum case teams need until the directory is complete.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { paged } from '../../db/paged';
import { DomainError } from '../../domain/errors';
import { officerDirectory } from '../../services/officerImport';
import { changeCertificate, moveOfficer } from '../../services/officers';
import { recuseFromOpenCases } from '../../services/recusals';
import { actorOf, principalOf, type ApiDependencies } from '../context';
import { pageQuery, route } from '../http';
import { directoryFileRoutes } from './directoryFiles';
import { idParams } from './entities';

const text = (max: number) => z.string().trim().min(1, '不能为空 / must not be empty').max(max);
const date = z.iso.date('应为 YYYY-MM-DD 日期 / must be a YYYY-MM-DD date');

// Free text: the bureau's own words for staffing and posts vary between units and years, so no fixed list.
const affiliation = text(100).meta({ description: '人员归属，如 在编（行政编制）、在编（事业编制）、聘用，或所属部门 / affiliation: staffing (on the establishment, contracted) or owning department' });
const post = text(100).meta({ description: '岗位，如 执法队员、中队长 / post, e.g. enforcement officer, squad leader' });

export const newOfficerSchema = z.strictObject({
  name: text(50),
  unit: text(100).optional(),
  affiliation: affiliation.optional(),
  post: post.optional(),
  gender: z.enum(['male', 'female']).optional(),
  certificateNumber: text(50),
  certificateValidFrom: date.optional(),
  certificateValidUntil: date,
  specialties: z.array(text(50)).max(20).default([]),
});

const officerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  unit: z.string().nullable(),
  affiliation: z.string().nullable(),
  post: z.string().nullable(),
  certificateNumber: z.string(),
  certificateValidUntil: z.string(),
  certificateWithdrawn: z.boolean(),
  specialties: z.array(z.string()),
  active: z.boolean(),
});

const conflictSchema = z.strictObject({
  officerId: z.uuid(),
  entityId: z.uuid(),
  relation: z.enum(['relative', 'former_employer', 'shareholding', 'other']),
  note: text(500).optional(),
});

export function officerRoutes(dependencies: ApiDependencies) {
  const { db } = dependencies;
  async function readOfficer(id: string) {
    const officer = await db.officer.findUnique({ where: { id }, include: { postings: { orderBy: { changedAt: 'asc' } } } });
    if (!officer) throw new DomainError('not_found', `执法人员不存在 / no officer ${id}`);
    return { ...officer, certificateValidUntil: officer.certificateValidUntil.toISOString().slice(0, 10) };
  }

  return [
    // Before `/officers/:id`, which would otherwise take "export" for an id.
    ...directoryFileRoutes(db, ['/officers', 'officers'], officerDirectory, newOfficerSchema),
    route({
      method: 'post',
      path: '/officers',
      summary: '登记执法人员 / Register an officer with an enforcement certificate (R2)',
      tags: ['officers'],
      access: ['coordinator'],
      body: newOfficerSchema,
      responses: { 201: { description: 'registered', schema: officerSchema }, 409: { description: 'duplicate certificate number' }, 422: { description: 'invalid fields' } },
      async handler({ body }) {
        const duplicate = await db.officer.findUnique({ where: { certificateNumber: body.certificateNumber }, select: { id: true } });
        if (duplicate) {
          throw new DomainError('conflict', '执法证号已登记 / this certificate number is already registered', [
            { field: 'body.certificateNumber', message: '已存在 / already exists' },
          ]);
        }
        const officer = await db.officer.create({
          data: {
            id: randomUUID(),
            ...body,
            certificateValidFrom: body.certificateValidFrom ? new Date(body.certificateValidFrom) : null,
            certificateValidUntil: new Date(body.certificateValidUntil),
          },
        });
        return { status: 201, body: { ...officer, certificateValidUntil: body.certificateValidUntil }, headers: { location: `/officers/${officer.id}` } };
      },
    }),
    route({
      method: 'get',
      path: '/officers',
      summary: '执法人员名录 / The officer directory: search by name, unit or certificate number',
      tags: ['officers'],
      access: ['leadership', 'coordinator', 'auditor'],
      query: z.strictObject({
        q: z.string().trim().max(100).optional().meta({ description: '姓名、单位或执法证号 / name, unit or certificate number' }),
        ...pageQuery(500),
      }),
      responses: { 200: { description: 'a page of officers, by name' } },
      async handler({ query }) {
        const where = query.q
          ? { OR: [{ name: { contains: query.q } }, { unit: { contains: query.q } }, { certificateNumber: query.q }] }
          : {};
        const body = await paged(
          db,
          query,
          { count: db.officer.count({ where }), findMany: (window) => db.officer.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], ...window }) },
          (officer) => ({ ...officer, certificateValidUntil: officer.certificateValidUntil.toISOString().slice(0, 10) }),
        );
        return { status: 200, body };
      },
    }),
    route({
      method: 'get',
      path: '/officers/:id',
      summary: '查看执法人员 / Read an officer',
      tags: ['officers'],
      access: 'authenticated',
      params: idParams,
      responses: { 200: { description: 'the officer', schema: officerSchema }, 404: { description: 'no such officer' } },
      async handler({ params }) {
        return { status: 200, body: await readOfficer(params.id) };
      },
    }),
    route({
      method: 'post',
      path: '/officers/:id/posting',
      summary: '调整单位、岗位或人员归属（留有记录）/ Move an officer to another unit, post or affiliation; the move is recorded (R2)',
      tags: ['officers'],
      access: ['coordinator'],
      params: idParams,
      body: z
        .strictObject({ unit: text(100).optional(), post: post.optional(), affiliation: affiliation.optional(), reason: text(500).optional() })
        .refine((body) => body.unit !== undefined || body.post !== undefined || body.affiliation !== undefined, {
          path: ['unit'],
          message: '单位、岗位或人员归属至少填一项 / give a unit, post or affiliation',
        }),
      responses: { 200: { description: 'the officer with their postings' }, 404: { description: 'no such officer' }, 422: { description: 'invalid fields, or nothing to move' } },
      async handler({ params, body, req }) {
        const { reason, ...to } = body;
        const change = await moveOfficer(db, params.id, to, reason, actorOf(req).id);
        return { status: 200, body: await readOfficer(params.id), audit: change };
      },
    }),
    route({
      method: 'post',
      path: '/officers/:id/certificate',
      summary: '执法证延期或收回 / Renew or withdraw an enforcement certificate (R2)',
      tags: ['officers'],
      access: ['coordinator'],
      params: idParams,
      body: z.strictObject({ certificateValidUntil: date.optional(), withdrawn: z.boolean().optional(), reason: text(500) }),
      responses: { 200: { description: 'the officer' }, 404: { description: 'no such officer' } },
      async handler({ params, body }) {
        const change = await changeCertificate(db, params.id, body);
        return { status: 200, body: await readOfficer(params.id), audit: change };
      },
    }),
    route({
      method: 'post',
      path: '/conflicts',
      summary: '申报利害关系 / Declare an officer–entity conflict of interest (R10)',
      tags: ['officers'],
      access: ['coordinator', 'officer'],
      body: conflictSchema,
      responses: {
        200: { description: 'already declared, and the officer was still on open cases of the entity: now taken off them (`recusals`)' },
        201: { description: "declared; `recusals` says which of the entity's open cases the officer left, and who replaced them, and any the office must still act on" },
        409: { description: 'already declared' },
        422: { description: 'unknown officer or entity' },
      },
      async handler({ body, req }) {
        const principal = principalOf(req);
        if (!principal.roles.includes('coordinator') && principal.officerId !== body.officerId) {
          throw new DomainError('refused', '执法人员只能申报本人的利害关系 / an officer declares only their own conflicts');
        }
        const existing = await db.officerConflict.findUnique({
          where: { officerId_entityId: { officerId: body.officerId, entityId: body.entityId } },
        });
        if (existing) {
          // A repeated declaration finishes what a failed first one left: open cases the officer is still on.
          const recusals = await recuseFromOpenCases(dependencies, body);
          if (recusals.recused.length + recusals.refused.length === 0) throw new DomainError('conflict', '该利害关系已申报 / this conflict is already declared');
          return { status: 200, body: { ...existing, recusals } };
        }
        const conflict = await db.officerConflict.create({
          data: { id: randomUUID(), ...body, declaredBy: actorOf(req).id, declaredAt: new Date() },
        });
        const recusals = await recuseFromOpenCases(dependencies, body);
        return { status: 201, body: { ...conflict, recusals } };
      },
    }),
  ];
}
