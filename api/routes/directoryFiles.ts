// Import and export routes, the same for every directory (R1–R3): `POST <path>/import` with a dry run and
// `GET <path>/export?format=csv|xlsx`. Rows are checked with the schema of the directory's create endpoint.
import { z } from 'zod';
import { applyImport, exportDirectory, importAudit, importReport, planImport, type Directory } from '../../services/directoryImport';
import type { Db } from '../../db/client';
import { actorOf } from '../context';
import { route, type Route } from '../http';

const formatSchema = z.enum(['csv', 'xlsx']);

const importSchema = z.strictObject({
  format: formatSchema,
  content: z.string().min(1).meta({ description: 'CSV as text, or the XLSX file base64-encoded' }),
  dryRun: z.boolean().default(true).meta({ description: 'true: only report what would happen' }),
});

const refusedSchema = z.object({
  line: z.int().min(1).meta({ description: '文件中的行号，表头为第 1 行 / the line in the file; the header is line 1' }),
  field: z.string().meta({ description: '出错的字段，或 `file`、`row` / the field at fault, or `file` or `row`' }),
  reason: z.string(),
});

/** A field's value as the file, the preview and the audit log show it: text, a number, a list, a date as YYYY-MM-DD. */
const shownValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);
const shownRow = z.record(z.string(), shownValue);

const reportSchema = z.object({
  dryRun: z.boolean(),
  applied: z.boolean(),
  created: z.int().min(0),
  updated: z.int().min(0),
  unchanged: z.int().min(0),
  refused: z.array(refusedSchema).meta({ description: 'every refused row: its line in the file, the field and why' }),
  preview: z.object({
    create: z.array(z.object({ line: z.int().min(1), key: z.string(), row: shownRow.meta({ description: '新记录的字段 / the new record\'s fields' }) })),
    update: z.array(
      z.object({
        line: z.int().min(1),
        key: z.string(),
        before: shownRow.meta({ description: '变更字段的原值 / the changed fields as they were' }),
        after: shownRow.meta({ description: '变更字段的新值 / the changed fields as they become' }),
      }),
    ),
  }).meta({ description: '前 100 条新增与更新 / the first 100 rows created and updated' }),
});

export const contentTypes = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
/** What a CSV or XLSX file answer is sent as, for its description. */
export const fileMediaTypes = ['text/csv', contentTypes.xlsx];

/**
 * `path` is the directory's, e.g. `/officers`; `rowSchema` is its create endpoint's body schema, so a row is
 * accepted exactly when that endpoint would accept it.
 */
export function directoryFileRoutes<Current, Create>(db: Db, [path, tag]: [path: string, tag: string], directory: Directory<Current, Create>, rowSchema: z.ZodObject): Route[] {
  const { title } = directory;
  return [
    route({
      method: 'post',
      path: `${path}/import`,
      summary: `批量导入${title.zh}（CSV/XLSX，可试运行）/ Bulk import ${title.en} from CSV or XLSX, with a dry run`,
      tags: [tag],
      access: ['coordinator'],
      body: importSchema,
      responses: {
        200: { description: '逐行说明已（或将）新增、更新和拒绝的记录 / what was (or would be) created, updated and refused, row by row', schema: reportSchema },
        409: { description: '写入时名录已被他人修改，未写入任何记录 / the directory changed while the import was written; nothing was written' },
        422: { description: '请求无效 / invalid request' },
      },
      async handler({ body, req }) {
        const content = Buffer.from(body.content, body.format === 'csv' ? 'utf8' : 'base64');
        const plan = await planImport(db, directory, rowSchema, body.format, content);
        if (!body.dryRun) await applyImport(db, directory, plan, actorOf(req).id);
        return { status: 200, body: importReport(plan, body.dryRun), audit: importAudit(plan, body.dryRun) };
      },
    }),
    route({
      method: 'get',
      path: `${path}/export`,
      summary: `导出${title.zh} / Export ${title.en} as CSV or XLSX`,
      tags: [tag],
      access: ['leadership', 'coordinator', 'auditor'],
      query: z.strictObject({ format: formatSchema.default('xlsx') }),
      responses: { 200: { description: '文件，列与导入相同 / the file; its columns are the import\'s', mediaTypes: fileMediaTypes } },
      async handler({ query, res }) {
        const file = await exportDirectory(db, directory, query.format);
        res.type(contentTypes[query.format]).attachment(`${path.slice(1)}.${query.format}`).send(file);
        return { status: 200 };
      },
    }),
  ];
}
