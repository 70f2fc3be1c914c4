// Import and export routes, the same for every directory (R1–R3): `POST <path>/import` with a dry run and
// `GET <path>/export?format=csv|xlsx`. Rows are checked with the schema of the directory's create endpoint.
import type { RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { applyImport, exportDirectory, importAudit, importReport, importTemplate, planImport, type Directory } from '../../services/directoryImport';
import type { Db } from '../../db/client';
import { DomainError } from '../../domain/errors';
import { actorOf } from '../context';
import { route, type Route } from '../http';

const formatSchema = z.enum(['csv', 'xlsx']);
const MAX_FILE_BYTES = 20 * 1024 * 1024;

const importSchema = z
  .strictObject({
    file: z.string().min(1).optional().meta({
      description: '文件本身（base64）；以 multipart/form-data 上传的 `file` 字段即成为此项。格式由文件内容识别 / the file itself, base64-encoded: what a multipart/form-data upload (field `file`) becomes; the format is known from its bytes',
    }),
    format: formatSchema.optional().meta({ description: '与 content 同用 / with `content`: how it is written' }),
    content: z.string().min(1).optional().meta({ description: 'CSV 文本，或 base64 编码的 XLSX / CSV as text, or the XLSX file base64-encoded' }),
    dryRun: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])
      .default(true)
      .meta({ description: 'true：只报告将会如何 / true: only report what would happen' }),
  })
  .superRefine((body, context) => {
    if (Boolean(body.file) === Boolean(body.content)) {
      context.addIssue({ code: 'custom', path: ['file'], message: '请上传文件（file），或给出 format 与 content / upload a file (`file`), or give `format` and `content`' });
    } else if (body.content && !body.format) {
      context.addIssue({ code: 'custom', path: ['format'], message: '必填：csv 或 xlsx / required: csv or xlsx' });
    }
  })
  .meta({ description: '也可用 multipart/form-data 上传：字段 file（文件）与 dryRun / also as multipart/form-data: the fields `file` and `dryRun`' });

const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 5 } }).single('file');

/**
 * A file uploaded to an import as staff upload it (multipart/form-data, field `file`, plus `dryRun`) becomes the
 * JSON form `{ file, dryRun }` before anything else reads it: one shape for the route's checks, its audit entry and
 * the Idempotency-Key's request hash (which so covers the file's bytes).
 */
export const directoryFileUploads: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || !req.path.endsWith('/import') || !req.is('multipart/form-data')) return next();
  upload(req, res, (error: unknown) => {
    if (error) {
      const tooLarge = error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE';
      const message = tooLarge ? `文件超过 ${MAX_FILE_BYTES / 1024 / 1024} MB / the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` : `无法读取上传的表单 / cannot read the upload: ${(error as Error).message}`;
      const refusal = new DomainError('invalid', message, [{ field: 'body.file', message }]);
      // A file over the limit is the body being too large (413), like a JSON body over its limit.
      return next(tooLarge ? Object.assign(refusal, { status: 413 }) : refusal);
    }
    const fields = (req.body ?? {}) as Record<string, unknown>;
    req.body = {
      ...(req.file ? { file: req.file.buffer.toString('base64') } : {}),
      ...(typeof fields.dryRun === 'string' ? { dryRun: fields.dryRun } : {}),
    };
    next();
  });
};

const refusedSchema = z.object({
  line: z.int().min(1).meta({ description: '文件中的行号，表头为第 1 行 / the line in the file; the header is line 1' }),
  field: z.string().meta({ description: '出错的字段，或 `file`、`row` / the field at fault, or `file` or `row`' }),
  column: z.string().meta({ description: '文件中的列名（中文）/ the column as the file names it' }),
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
  warnings: z.array(z.string()).meta({ description: '不拒绝任何行但应知道的情况：未导入的其他工作表、表头上方的标题行 / what refuses no row but should be known: other sheets left out, a title above the header' }),
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
      upload: z.object({
        file: z.string().meta({ format: 'binary', description: 'CSV（UTF-8、GB18030）或 XLSX 文件 / the CSV (UTF-8 or GB18030) or XLSX file' }),
        dryRun: z.enum(['true', 'false']).default('true'),
      }),
      responses: {
        200: { description: '逐行说明已（或将）新增、更新和拒绝的记录 / what was (or would be) created, updated and refused, row by row', schema: reportSchema },
        409: { description: '写入时名录已被他人修改，未写入任何记录 / the directory changed while the import was written; nothing was written' },
        422: { description: '请求无效 / invalid request' },
      },
      async handler({ body, req }) {
        const content = body.file ? Buffer.from(body.file, 'base64') : Buffer.from(body.content!, body.format === 'csv' ? 'utf8' : 'base64');
        const plan = await planImport(db, directory, rowSchema, content);
        if (!body.dryRun) await applyImport(db, directory, plan, actorOf(req).id);
        return { status: 200, body: importReport(directory, plan, body.dryRun), audit: importAudit(plan, body.dryRun) };
      },
    }),
    route({
      method: 'get',
      path: `${path}/import-template`,
      summary: `${title.zh}导入模板：表头与一行示例 / The import template of ${title.en}: the header and one example row`,
      tags: [tag],
      access: ['leadership', 'coordinator', 'auditor'],
      query: z.strictObject({ format: formatSchema.default('xlsx') }),
      responses: { 200: { description: '模板文件 / the template', mediaTypes: fileMediaTypes } },
      async handler({ query, res }) {
        const file = await importTemplate(directory, query.format);
        const name = `${title.zh}导入模板.${query.format}`;
        res
          .type(contentTypes[query.format])
          .set('content-disposition', `attachment; filename="${path.slice(1)}-template.${query.format}"; filename*=UTF-8''${encodeURIComponent(name)}`)
          .send(file);
        return { status: 200 };
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
