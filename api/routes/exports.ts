// Any list in the web application as a file: the page sends the rows it shows, the one table writer makes
// the CSV or XLSX, so every export looks the same whatever list it came from.
import { z } from 'zod';
import { writeTable } from '../../services/directoryImport';
import { route } from '../http';
import { contentTypes, fileMediaTypes } from './directoryFiles';

const cell = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);

const exportSchema = z.strictObject({
  title: z.string().trim().min(1).max(100).meta({ description: '文件与工作表名称 / the sheet name' }),
  format: z.enum(['csv', 'xlsx']),
  columns: z.array(z.string().max(200)).min(1).max(100),
  rows: z.array(z.array(cell).max(100)).max(100_000),
});


export function exportRoutes() {
  return [
    route({
      method: 'post',
      path: '/exports',
      summary: '导出列表为 CSV 或 XLSX / A list, as shown, as a CSV or XLSX file',
      tags: ['exports'],
      access: 'authenticated',
      // Reading, not writing: nothing to audit or replay.
      audit: false,
      body: exportSchema,
      responses: {
        200: { description: '文件 / the file', mediaTypes: fileMediaTypes },
        422: { description: '表格无效 / invalid table' },
      },
      async handler({ body, res }) {
        const rows = [body.columns, ...body.rows.map((row) => row.map((value) => (value === null ? '' : String(value))))];
        const file = await writeTable(body.format, body.title.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31), rows);
        res.type(contentTypes[body.format]).attachment(`${body.title}.${body.format}`).send(file);
        return { status: 200 };
      },
    }),
  ];
}
