// 执法人员 (R2) and declared conflicts (R10): the minimum case teams need until the directory is complete.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { chinaDate } from '../../domain/deadlines';
import { paged } from '../../db/paged';
import { DomainError } from '../../domain/errors';
import { officerDirectory } from '../../services/officerImport';
import { changeCertificate, moveOfficer } from '../../services/officers';
import { recuseFromOpenCases } from '../../services/recusals';
import { actorOf, principalOf, type ApiDependencies } from '../context';
import { pageOf, pageQuery, route } from '../http';
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

/** An officer as stored, as every answer that carries one sends it. */
const officerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  unit: z.string().nullable(),
  affiliation: z.string().nullable(),
  post: z.string().nullable(),
  gender: newOfficerSchema.shape.gender.unwrap().nullable(),
  certificateNumber: z.string(),
  certificateValidFrom: z.iso.datetime().nullable().meta({ description: '执法证有效期起（当日 00:00 UTC）/ the certificate\'s first day, as midnight UTC' }),
  certificateValidUntil: z.iso.date().meta({ description: '执法证有效期至 / the certificate\'s last day' }),
  certificateWithdrawn: z.boolean(),
  specialties: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const postingSchema = z.object({
  id: z.uuid(),
  officerId: z.uuid(),
  fromUnit: z.string().nullable(),
  toUnit: z.string().nullable(),
  fromPost: z.string().nullable(),
  toPost: z.string().nullable(),
  fromAffiliation: z.string().nullable(),
  toAffiliation: z.string().nullable(),
  reason: z.string().nullable(),
  changedBy: z.string().meta({ description: '调整人 / who made the change' }),
  changedAt: z.iso.datetime(),
});

/** An officer with their recorded moves between units, posts and affiliations (R2). */
const officerDetailSchema = officerSchema.extend({
  postings: z.array(postingSchema).meta({ description: '单位、岗位、人员归属调整记录，按时间 / their moves, oldest first (R2)' }),
});

const newConflictSchema = z.strictObject({
  officerId: z.uuid(),
  entityId: z.uuid(),
  relation: z.enum(['relative', 'former_employer', 'shareholding', 'other']),
  note: text(500).optional(),
});

const declaredConflictSchema = z.object({
  id: z.uuid(),
  officerId: z.uuid(),
  entityId: z.uuid(),
  relation: newConflictSchema.shape.relation,
  note: z.string().nullable(),
  declaredBy: z.string().meta({ description: '申报人 / who declared it' }),
  declaredAt: z.iso.datetime(),
  recusals: z
    .object({
      recused: z.array(z.object({ caseId: z.uuid(), replacedBy: z.uuid().nullable().meta({ description: '替换人员；null 为未补人 / the officer who replaced them, if any' }) })),
      refused: z.array(z.object({ caseId: z.uuid(), reason: z.string() })).meta({ description: '未能退出的案件，须由办公室处理 / cases the officer could not be taken off: the office must act on them' }),
    })
    .meta({ description: '该人员退出的该主体在办案件 / the entity\'s open cases the officer was taken off (R10)' }),
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
      responses: {
        201: { description: '已登记 / registered', schema: officerSchema },
        409: { description: '执法证号已登记 / the certificate number is already registered' },
        422: { description: '字段无效 / invalid fields' },
      },
      async handler({ body }) {
        // R2: a new officer enters the directory holding a valid certificate. (A directory file may still carry one
        // that has run out since: that officer stays, kept off every team.)
        if (body.certificateValidUntil < chinaDate(new Date())) {
          const message = '执法证已过期，不能登记 / the certificate has already expired (R2)';
          throw new DomainError('invalid', message, [{ field: 'body.certificateValidUntil', message }]);
        }
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
      responses: { 200: { description: '一页执法人员，按姓名 / a page of officers, by name', schema: pageOf(officerSchema) } },
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
      responses: {
        200: { description: '执法人员及其调整记录 / the officer with their postings', schema: officerDetailSchema },
        404: { description: '执法人员不存在 / no such officer' },
      },
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
      responses: {
        200: { description: '执法人员及其调整记录 / the officer with their postings', schema: officerDetailSchema },
        404: { description: '执法人员不存在 / no such officer' },
        422: { description: '字段无效，或未给出调整内容 / invalid fields, or nothing to move' },
      },
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
      responses: {
        200: { description: '执法人员及其调整记录 / the officer with their postings', schema: officerDetailSchema },
        404: { description: '执法人员不存在 / no such officer' },
      },
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
      body: newConflictSchema,
      responses: {
        200: {
          description: '此前已申报，该人员仍在该主体的在办案件中：现已退出（见 `recusals`）/ already declared, and the officer was still on open cases of the entity: now taken off them (`recusals`)',
          schema: declaredConflictSchema,
        },
        201: {
          description: "已申报；`recusals` 列出退出的案件、替换人员及须办公室处理的案件 / declared; `recusals` says which of the entity's open cases the officer left, and who replaced them, and any the office must still act on",
          schema: declaredConflictSchema,
        },
        403: { description: '执法人员只能申报本人的利害关系 / an officer declares only their own conflicts' },
        409: { description: '该利害关系已申报 / already declared' },
        422: { description: '字段无效，或执法人员、检查对象不存在 / invalid fields, or an unknown officer or entity' },
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
