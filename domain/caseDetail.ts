// One case as GET /cases/:id answers it: services/cases.ts readCase builds it, the web application reads it.
// A plain type module (no Node, no Prisma), so the web bundle can import it.
import type { CaseOrigin, CaseStatus } from './inspectionCase';

/**
 * The case detail. Timeline data, records, disposition details and the publication's content are JSON whose
 * shape depends on their kind; readers look into them by kind. `State` is the running workflow's state, present
 * only when leadership asks for it live.
 */
export interface CaseDetail<State = unknown> {
  id: string;
  status: CaseStatus;
  origin: CaseOrigin;
  originReason: string | null;
  planId: string | null;
  team: string[];
  /** The team's officers, in team order; an id the directory does not know stands as its own name. */
  teamMembers: Array<{ id: string; name: string; unit: string | null }>;
  /** Display names of everyone who acted on the case, by officer or user id. */
  actorNames: Record<string, string>;
  openedBy: string;
  openedAt: string;
  closedAt: string | null;
  endReason: string | null;
  resultCategory: string | null;
  /** A drawn case is to be inspected by the end of its plan's period; null for other cases (R19). */
  inspectionDueAt: string | null;
  rectificationDeadline: string | null;
  revisitDueAt: string | null;
  escalationLevel: number;
  publishedAt: string | null;
  creditPushedAt: string | null;
  entity: { id: string; uscc: string; name: string; legalStatus: string };
  timeline: Array<{ kind: string; actor: string; reason: string | null; at: string; data: unknown }>;
  records: Array<{ kind: string; recordedBy: string; recordedAt: string; data: any }>;
  dispositions: Array<{ id: string; kind: string; status: string; details: any; recordedBy: string; recordedAt: string }>;
  publication: { publishedAt: string; content: any } | null;
  /** The workflow's id and execution status; `state` only when read live from a running workflow. */
  workflow: { id: string; status: string; state: State | null };
}
