import type { Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { DomainError } from '../domain/errors';
import { roles, type Actor, type Role } from '../domain/inspectionCase';
import type { CaseTiming } from '../workflows/caseMessages';

export interface ApiDependencies {
  db: Db;
  temporal: Client;
  taskQueue: string;
  caseTiming: CaseTiming;
}

/**
 * Who is acting and in which role, for the rules each action checks and for the timeline (R18, R20).
 * Until sign-in exists the caller states them in the `X-User` and `X-Role` headers; authentication replaces
 * this function, not its callers.
 */
export function actorOf(req: Request): Actor {
  const id = req.header('x-user')?.trim().slice(0, 100) || 'anonymous';
  const role = (req.header('x-role')?.trim() || 'officer') as Role;
  if (!roles.includes(role)) {
    throw new DomainError('invalid', `未知角色 ${role} / unknown role ${role}`, [
      { field: 'header.x-role', message: `应为 ${roles.join(', ')} 之一 / must be one of ${roles.join(', ')}` },
    ]);
  }
  return { id, role };
}
