import type { Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';

export interface ApiDependencies {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

/**
 * Who is acting, for the timeline (R20). Until sign-in exists this is the `X-User` header the caller
 * states; authentication replaces this function, not its callers.
 */
export function actorOf(req: Request): string {
  const stated = req.header('x-user')?.trim();
  return stated ? stated.slice(0, 100) : 'anonymous';
}
