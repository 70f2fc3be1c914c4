// One case as the API answers it, declared once: GET /cases/:id and every action answer the detail, GET /cases
// pages through summaries. services/cases.ts builds them, the route declarations describe them in /openapi.json
// from these schemas, and the web application reads them through the inferred types (type-only, so the web
// bundle carries no zod).
import { z } from 'zod';
import { dispositionStatuses } from './dispositions';
import { caseOrigins, caseStatuses, dispositionKinds } from './inspectionCase';

const instant = z.iso.datetime();
const legalStatuses = ['operating', 'deregistered', 'revoked', 'moved_out'] as const;

const entityRef = z.object({ id: z.uuid(), uscc: z.string(), name: z.string() });

/** A case in a list: what the lists, the workbench and the dashboard's drill-downs show. */
export const caseSummarySchema = z.object({
  id: z.uuid(),
  status: z.enum(caseStatuses),
  origin: z.enum(caseOrigins),
  planId: z.string().nullable().meta({ description: '抽查计划（或计划外抽取的抽取记录）/ the plan, or the draw of a draw outside any plan' }),
  team: z.array(z.string()),
  entity: entityRef,
  openedAt: instant,
  inspectionDueAt: instant.nullable(),
  rectificationDeadline: instant.nullable(),
  revisitDueAt: instant.nullable(),
  escalationLevel: z.int().min(0),
  closedAt: instant.nullable(),
});

/**
 * The case detail. Timeline data, records, disposition details and the publication's content are JSON whose shape
 * depends on their kind; readers look into them by kind.
 */
export const caseDetailSchema = z.object({
  id: z.uuid(),
  status: z.enum(caseStatuses),
  origin: z.enum(caseOrigins),
  originReason: z.string().nullable(),
  planId: caseSummarySchema.shape.planId,
  team: z.array(z.string()),
  teamMembers: z
    .array(z.object({ id: z.string(), name: z.string(), unit: z.string().nullable() }))
    .meta({ description: '检查组成员，按组内顺序；名录中没有的 id 以 id 为名 / the team\'s officers in team order; an id the directory does not know stands as its own name' }),
  actorNames: z.record(z.string(), z.string()).meta({ description: '办理人姓名 / the names of those who acted, by officer or user id' }),
  openedBy: z.string(),
  openedAt: instant,
  closedAt: instant.nullable(),
  endReason: z.string().nullable(),
  resultCategory: z.string().nullable(),
  inspectionDueAt: instant.nullable().meta({ description: '抽查计划期末：须于此前完成检查 / a drawn case is to be inspected by the end of its plan\'s period (R19)' }),
  rectificationDeadline: instant.nullable(),
  revisitDueAt: instant.nullable(),
  escalationLevel: z.int().min(0).meta({ description: '督办层级：0 无，1 大队，2 局领导 / escalation: 0 none, 1 the brigade office, 2 leadership (R13)' }),
  publishedAt: instant.nullable(),
  creditPushedAt: instant.nullable(),
  entity: entityRef.extend({
    legalStatus: z.enum(legalStatuses),
    category: z.string().nullable().meta({ description: '检查对象类别：检查结果只能列适用于该类别的检查事项 / the entity\'s category: an inspection names only the items that apply to it' }),
  }),
  timeline: z.array(z.object({ kind: z.string(), actor: z.string(), reason: z.string().nullable(), at: instant, data: z.any() })),
  records: z.array(z.object({ kind: z.string(), recordedBy: z.string(), recordedAt: instant, data: z.any() })),
  dispositions: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(dispositionKinds),
      status: z.enum([...dispositionStatuses, 'recorded']).meta({ description: "处置进度；'recorded' 为早期记录的第一步 / the disposition's step; 'recorded' is the first step of rows kept before steps were" }),
      details: z.any(),
      recordedBy: z.string(),
      recordedAt: instant,
    }),
  ),
  publication: z.object({ publishedAt: instant, content: z.any() }).nullable(),
  workflow: z.object({
    id: z.string(),
    status: z.string().meta({
      description:
        "execution status: without ?live, the one the recorded case status implies (RUNNING until closed, cancelled or ended, then COMPLETED); with ?live=true, Temporal's own (RUNNING, COMPLETED, FAILED, TERMINATED…)",
    }),
    state: z.record(z.string(), z.unknown()).nullable().meta({ description: "with ?live=true, the running workflow's own state; else null" }),
  }),
});

export type CaseSummary = z.infer<typeof caseSummarySchema>;
export type CaseDetail = z.infer<typeof caseDetailSchema>;
