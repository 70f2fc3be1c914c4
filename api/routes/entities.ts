import { z } from 'zod';
import { checkUscc } from '../../domain/uscc';
import { changeLegalStatus, entityVersion, findEntity, registerEntity } from '../../services/entities';
import type { ApiDependencies } from '../context';
import { route } from '../http';

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
  category: text(100).optional(),
});

export const entitySchema = z.object({
  id: z.uuid(),
  uscc: z.string(),
  name: z.string(),
  legalRepresentative: z.string().nullable(),
  address: z.string().nullable(),
  street: z.string().nullable(),
  category: z.string().nullable(),
  legalStatus: z.enum(['operating', 'deregistered', 'revoked', 'moved_out']),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const idParams = z.object({ id: z.uuid('应为 UUID / must be a UUID') });

export function entityRoutes({ db, temporal }: ApiDependencies) {
  return [
    route({
      method: 'post',
      path: '/entities',
      summary: '登记检查对象 / Register a market entity (R1)',
      tags: ['entities'],
      access: ['coordinator'],
      body: newEntitySchema,
      responses: {
        201: { description: 'registered', schema: entitySchema },
        409: { description: 'the credit code is already registered' },
        422: { description: 'invalid fields, e.g. a wrong check character' },
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
      responses: { 200: { description: 'the entity', schema: entitySchema }, 404: { description: 'no such entity' } },
      async handler({ params }) {
        const entity = await findEntity(db, params.id);
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
      body: z.strictObject({ legalStatus: entitySchema.shape.legalStatus }),
      responses: {
        200: { description: 'the entity and the cases that end', schema: z.object({ entity: entitySchema, endedCases: z.array(z.uuid()) }) },
        404: { description: 'no such entity' },
        412: { description: 'If-Match names a version that is no longer current' },
      },
      async handler({ params, body, req }) {
        const changed = await changeLegalStatus({ db, temporal }, params.id, body.legalStatus, req.header('if-match'));
        return { status: 200, body: changed, headers: { etag: entityVersion(changed.entity) } };
      },
    }),
  ];
}
