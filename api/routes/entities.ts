import { z } from 'zod';
import { paged } from '../../db/paged';
import { checkUscc } from '../../domain/uscc';
import { riskFlags } from '../../domain/draw';
import { blacklistEntryFields, changeLegalStatus, clearRiskFlag, entityVersion, entityWithHistory, noteRiskFlag, registerEntity } from '../../services/entities';
import { entityDirectory } from '../../services/entityImport';
import { actorOf, type ApiDependencies } from '../context';
import { pageOf, pageQuery, route } from '../http';
import { directoryFileRoutes } from './directoryFiles';
import { addCategory, listCategories } from '../../services/categories';
import { riskLevelLabels, riskLevels } from '../../domain/vocabulary';

export const usccSchema = z
  .string({ error: '必填 / required' })
  .transform((value, context) => {
    const result = checkUscc(value);
    if (!result.valid) {
      context.addIssue({ code: 'custom', message: result.message });
      return z.NEVER;
    }
    return result.uscc;
  })
  .meta({ description: '统一社会信用代码 (GB 32100-2015)', example: '91320482MA1MXXXX' });

const text = (max: number) => z.string().trim().min(1, '不能为空 / must not be empty').max(max, `最多 ${max} 字 / at most ${max} characters`);

const newEntitySchema = z.strictObject({
  uscc: usccSchema,
  name: text(200),
  legalRepresentative: text(100).optional(),
  address: text(300).optional(),
  street: text(100).optional(),
  category: text(100).optional().meta({ description: '类别清单中的代码或名称（GET /entity-categories）/ a category of the bureau\'s list, by code or name' }),
  grade: z.enum(['A', 'B', 'C', 'D'], { error: '分级应为 A、B、C、D 之一 / the grade is one of A, B, C, D' }).optional().meta({ description: '分类分级 / the bureau\'s grade' }),
  riskLevel: z
    .enum(riskLevels, { error: `风险等级应为 ${riskLevels.map((level) => `${riskLevelLabels[level].zh}（${level}）`).join('、')} 之一 / the risk level is one of ${riskLevels.join(', ')}` })
    .optional(),
});

const categorySchema = z.object({
  code: z.string().meta({ description: '代码，存于检查对象与抽查事项 / the code entities and items keep' }),
  name: z.string().meta({ description: '中文名称 / the Chinese name' }),
  nameEn: z.string(),
});

const legalStatusSchema = z.enum(['operating', 'deregistered', 'revoked', 'moved_out']).meta({ description: '法律状态 / legal status: operating, deregistered, revoked, moved out' });

/** An entity as it is stored, as every answer that carries one sends it. */
export const entitySchema = z.object({
  id: z.uuid(),
  uscc: z.string().meta({ description: '统一社会信用代码 / unified social credit code' }),
  name: z.string(),
  legalRepresentative: z.string().nullable(),
  address: z.string().nullable(),
  street: z.string().nullable(),
  category: z.string().nullable(),
  grade: newEntitySchema.shape.grade.unwrap().nullable(),
  riskLevel: newEntitySchema.shape.riskLevel.unwrap().nullable(),
  legalStatus: legalStatusSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const blacklistEntrySchema = z.object({
  id: z.uuid(),
  caseId: z.uuid().meta({ description: '认定失信的案件 / the case that found the entity dishonest' }),
  reason: z.string(),
  listedAt: z.iso.datetime(),
});

const blacklistEntries = z.array(blacklistEntrySchema).meta({ description: '严重失信主体名单记录，按列入时间 / its dishonesty blacklist entries, oldest first (R17)' });

/** An entity in the directory list: the entity and its blacklist entries (R17). */
const entityListItemSchema = entitySchema.extend({ blacklist: blacklistEntries });

const statusChangeSchema = z.object({
  id: z.uuid(),
  entityId: z.uuid(),
  fromStatus: legalStatusSchema,
  toStatus: legalStatusSchema,
  reason: z.string().nullable(),
  changedBy: z.string().meta({ description: '变更人 / who changed it' }),
  changedAt: z.iso.datetime(),
});

const riskFlagSchema = z.object({
  id: z.uuid(),
  entityId: z.uuid(),
  flag: z.enum(riskFlags),
  source: z.string().meta({ description: '信息来源 / where the information came from' }),
  notedBy: z.string().meta({ description: '登记人 / who noted it' }),
  notedAt: z.iso.datetime(),
  clearedAt: z.iso.datetime().nullable().meta({ description: '解除时间；null 为仍有效 / when it was cleared; null while it stands' }),
});

/** The entity with its legal-status history, its risk flags (current and cleared) and its blacklist entries. */
const entityDetailSchema = entitySchema.extend({
  statusChanges: z.array(statusChangeSchema).meta({ description: '法律状态变更记录，按时间 / its legal-status changes, oldest first (R1)' }),
  riskFlags: z.array(riskFlagSchema).meta({ description: '风险标记，含已解除的，按登记时间 / its risk flags, cleared ones too, oldest first (R6)' }),
  blacklist: blacklistEntries,
});

/** Name or credit code, as every directory search reads it: part of the name, or the whole code in any case. */
const nameOrUscc = (q: string) => ({ OR: [{ name: { contains: q } }, { uscc: q.toUpperCase() }] });

export const idParams = z.object({ id: z.uuid('应为 UUID / must be a UUID') });

const listQuery = z.strictObject({
  q: z.string().trim().max(100).optional().meta({ description: '名称或统一社会信用代码 / name or credit code' }),
  street: z.string().max(100).optional(),
  category: z.string().max(100).optional(),
  legalStatus: entitySchema.shape.legalStatus.optional(),
  sort: z.enum(['name', 'uscc', 'createdAt']).default('uscc'),
  ...pageQuery(500),
});

export function entityRoutes({ db, temporal }: ApiDependencies) {
  return [
    route({
      method: 'get',
      path: '/entity-categories',
      summary: '检查对象类别清单 / The bureau\'s list of entity categories (R1, R3)',
      tags: ['entities'],
      access: 'authenticated',
      responses: { 200: { description: '全部类别，按代码 / every category, by code', schema: z.object({ items: z.array(categorySchema) }) } },
      async handler() {
        return { status: 200, body: { items: await listCategories(db) } };
      },
    }),
    route({
      method: 'post',
      path: '/entity-categories',
      summary: '新增检查对象类别 / Add a category to the bureau\'s list',
      tags: ['entities'],
      access: ['coordinator', 'leadership'],
      body: z.strictObject({
        code: z.string().trim().regex(/^[a-z][a-z0-9_]{1,49}$/, '代码为 2–50 位小写字母、数字或下划线 / 2–50 lower-case letters, digits or _'),
        name: text(50),
        nameEn: text(100),
      }),
      responses: {
        201: { description: '已新增 / added', schema: categorySchema },
        409: { description: '代码或名称已存在 / the code or the name exists' },
      },
      async handler({ body }) {
        return { status: 201, body: await addCategory(db, body) };
      },
    }),
    route({
      method: 'post',
      path: '/entities/:id/risk-flags',
      summary: '登记风险标记及来源 / Note a risk flag with its source (R6)',
      tags: ['entities'],
      access: ['coordinator'],
      params: idParams,
      body: z.strictObject({ flag: z.enum(riskFlags), source: z.string().trim().min(2).max(500).meta({ description: '信息来源，如 12345 热线、经营异常名录公告 / where it comes from' }) }),
      responses: {
        200: { description: '检查对象及其历史、风险标记与失信记录 / the entity with its history, risk flags and blacklist entries', schema: entityDetailSchema },
        404: { description: '检查对象不存在 / no such entity' },
        409: { description: '该风险标记已存在 / the flag is already set' },
      },
      async handler({ params, body, req }) {
        const { entity, change } = await noteRiskFlag(db, params.id, body.flag, body.source, actorOf(req).id);
        return { status: 200, body: entity, audit: change };
      },
    }),
    route({
      method: 'post',
      path: '/entities/:id/risk-flags/clear',
      summary: '解除风险标记 / Clear a risk flag (its history stays)',
      tags: ['entities'],
      access: ['coordinator'],
      params: idParams,
      body: z.strictObject({ flag: z.enum(riskFlags), reason: z.string().trim().min(2).max(500) }),
      responses: {
        200: { description: '检查对象及其历史、风险标记与失信记录 / the entity with its history, risk flags and blacklist entries', schema: entityDetailSchema },
        404: { description: '检查对象不存在或没有生效的该标记 / no such entity, or no active flag of this kind' },
      },
      async handler({ params, body }) {
        const { entity, change } = await clearRiskFlag(db, params.id, body.flag);
        return { status: 200, body: entity, audit: change };
      },
    }),
    route({
      method: 'get',
      path: '/entities',
      summary: '检查对象名录：检索、排序、分页 / The target directory: search, sort, paginate (R1)',
      tags: ['entities'],
      access: 'authenticated',
      query: listQuery,
      responses: { 200: { description: '一页检查对象，各带失信记录 / a page of entities, each with its blacklist entries', schema: pageOf(entityListItemSchema) } },
      async handler({ query }) {
        const where = {
          ...(query.q ? nameOrUscc(query.q) : {}),
          ...(query.street ? { street: query.street } : {}),
          ...(query.category ? { category: query.category } : {}),
          ...(query.legalStatus ? { legalStatus: query.legalStatus } : {}),
        };
        const body = await paged(db, query, {
          count: db.entity.count({ where }),
          // Each row carries its blacklist entries so that a list of entities shows who is blacklisted (R17).
          findMany: (window) =>
            db.entity.findMany({
              where,
              include: { blacklist: { select: blacklistEntryFields, orderBy: { listedAt: 'asc' } } },
              orderBy: [{ [query.sort]: 'asc' }, { id: 'asc' }],
              ...window,
            }),
        });
        return { status: 200, body };
      },
    }),
    route({
      method: 'get',
      path: '/blacklist',
      summary: '严重失信主体名单：按名称或信用代码检索 / The dishonesty blacklist: search by name or credit code (R17)',
      tags: ['entities'],
      access: ['leadership', 'coordinator', 'auditor'],
      query: z.strictObject({
        q: listQuery.shape.q,
        ...pageQuery(500),
      }),
      responses: {
        200: {
          description: '一页失信名单记录，新的在前 / a page of blacklist entries, newest first',
          schema: pageOf(blacklistEntrySchema.extend({ entityId: z.uuid(), uscc: entitySchema.shape.uscc, name: z.string(), legalStatus: entitySchema.shape.legalStatus })),
        },
      },
      async handler({ query }) {
        const where = query.q ? { entity: nameOrUscc(query.q) } : {};
        const body = await paged(
          db,
          query,
          {
            count: db.blacklistEntry.count({ where }),
            findMany: (window) =>
              db.blacklistEntry.findMany({
                where,
                include: { entity: { select: { uscc: true, name: true, legalStatus: true } } },
                orderBy: [{ listedAt: 'desc' }, { id: 'asc' }],
                ...window,
              }),
          },
          ({ entity, ...entry }) => ({ ...entry, ...entity }),
        );
        return { status: 200, body };
      },
    }),
    ...directoryFileRoutes(db, ['/entities', 'entities'], entityDirectory, newEntitySchema),
    route({
      method: 'post',
      path: '/entities',
      summary: '登记检查对象 / Register a market entity (R1)',
      tags: ['entities'],
      access: ['coordinator'],
      body: newEntitySchema,
      responses: {
        201: { description: '已登记 / registered', schema: entitySchema },
        409: { description: '统一社会信用代码已登记 / the credit code is already registered' },
        422: { description: '字段无效，如校验码错误 / invalid fields, e.g. a wrong check character' },
      },
      async handler({ body }) {
        const entity = await registerEntity(db, body);
        return { status: 201, body: entity, headers: { location: `/entities/${entity.id}`, etag: entityVersion(entity) } };
      },
    }),
    route({
      method: 'get',
      path: '/entities/:id',
      summary: '查看检查对象 / Read a market entity',
      tags: ['entities'],
      access: 'authenticated',
      params: idParams,
      responses: {
        200: { description: '检查对象及其历史、风险标记与失信记录 / the entity with its history, risk flags and blacklist entries', schema: entityDetailSchema },
        404: { description: '检查对象不存在 / no such entity' },
      },
      async handler({ params }) {
        const entity = await entityWithHistory(db, params.id);
        return { status: 200, body: entity, headers: { etag: entityVersion(entity) } };
      },
    }),
    route({
      method: 'post',
      path: '/entities/:id/legal-status',
      summary: '变更主体法律状态（注销、吊销、迁出）/ Change an entity\'s legal status; its open cases end (R1)',
      tags: ['entities'],
      access: ['coordinator'],
      params: idParams,
      body: z.strictObject({ legalStatus: entitySchema.shape.legalStatus, reason: z.string().trim().min(1).max(500).optional() }),
      responses: {
        200: {
          description: '检查对象及随之终止的在办案件 / the entity and the open cases that end with it',
          schema: z.object({
            entity: entitySchema,
            endedCases: z.array(z.uuid()).meta({ description: '终止的案件；恢复经营时为空 / the cases that end; none when it returns to operating' }),
          }),
        },
        404: { description: '检查对象不存在 / no such entity' },
        412: { description: 'If-Match 所指版本已非当前版本 / If-Match names a version that is no longer current' },
      },
      async handler({ params, body, req }) {
        const { change, ...changed } = await changeLegalStatus({ db, temporal }, params.id, body.legalStatus, req.header('if-match'), {
          actor: actorOf(req).id,
          reason: body.reason,
        });
        return { status: 200, body: changed, headers: { etag: entityVersion(changed.entity) }, audit: change };
      },
    }),
  ];
}
