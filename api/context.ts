import type { Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { DomainError } from '../domain/errors';
import type { Actor } from '../domain/inspectionCase';
import type { ParticipationThresholds } from '../domain/oversight';
import { actorOfPrincipal, type AuthSettings, type LoginThrottle, type Principal } from '../services/auth';
import type { CaseTiming } from '../domain/caseTiming';
import type { AuditVerification } from '../services/audit';
import type { Metrics } from './metrics';

export interface ApiDependencies {
  db: Db;
  temporal: Client;
  taskQueue: string;
  caseTiming: CaseTiming;
  deliverNotifications: boolean;
  auth: AuthSettings;
  throttle: LoginThrottle;
  metrics: Metrics;
  corsOrigins: string[];
  publicRateLimitPerMinute: number;
  participationThresholds: ParticipationThresholds;
  /** Seals a committed draw's seed until it runs (DRAW_SEED_KEY). */
  drawSeedKey: Buffer;
  /** The audit chain's public key and checkpoint file (R20); the signing key stays with the worker. */
  audit: AuditVerification;
  /** Express's `trust proxy` (TRUST_PROXY): whose X-Forwarded-For names the caller's address. */
  trustProxy: false | number | string[];
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw new DomainError('unauthenticated', '请先登录 / sign in first');
  return req.principal;
}

/** Who is acting, for the rules each action checks and for the timeline (R18, R20). */
export function actorOf(req: Request): Actor {
  return actorOfPrincipal(principalOf(req));
}

/** True when the principal's only view of cases is their own team's (an officer without another role). */
export function seesOnlyOwnCases(principal: Principal): boolean {
  return !principal.roles.some((role) => role === 'leadership' || role === 'coordinator' || role === 'auditor');
}
