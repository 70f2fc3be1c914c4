// Prisma on its WebAssembly query compiler with the pg driver adapter: no native engine to download.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Entity as EntityColumns, type Officer as OfficerColumns } from '@prisma/client';
import type * as runtime from '@prisma/client/runtime/library';
import pg from 'pg';

/**
 * Columns the database keeps for the draw's freeze alone (migration draw_tallies), which only its own query reads:
 * left out of every row Prisma returns, so that no answer carries them.
 */
const omit = {
  entity: { randomInspectionsYear: true, randomInspections: true },
  officer: { participationsYear: true, participations: true },
} as const;

const prismaClient = (adapter: PrismaPg) => new PrismaClient({ adapter, omit });

export type Db = ReturnType<typeof prismaClient>;

/** The rows Prisma returns (without the columns left out above). */
export type Entity = Omit<EntityColumns, keyof typeof omit.entity>;
export type Officer = Omit<OfficerColumns, keyof typeof omit.officer>;

/** The client an interactive transaction (`db.$transaction(async (tx) => …)`) hands its callback. */
export type DbTransaction = Omit<Db, runtime.ITXClientDenyList>;

const pools = new WeakMap<Db, pg.Pool>();

/** Prisma over a pool of our own, which the hot statements of db/prepared.ts use directly (and $disconnect ends). */
export function createDb(databaseUrl: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle connection that the server drops is replaced on the next checkout; it must not crash the process.
  pool.on('error', () => undefined);
  const db = prismaClient(new PrismaPg(pool, { disposeExternalPool: true }));
  pools.set(db, pool);
  return db;
}

export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('this Prisma client was not made by createDb: it has no pool of its own');
  return pool;
}

/** Fails with one line naming the server when the database cannot be reached. */
export async function assertDatabaseReachable(db: Db, databaseUrl: string): Promise<void> {
  try {
    await db.$queryRaw`select 1`;
  } catch (error) {
    throw new Error(`Cannot reach PostgreSQL at ${safeHost(databaseUrl)}: ${databaseErrorReason(error)}`);
  }
}

/** Prisma wraps driver errors in a multi-line message; the driver's own sentence is what a reader needs. */
export function databaseErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const driverMessage = /Message: `([^`]+)`/.exec(message)?.[1];
  return driverMessage ?? message.split('\n').map((line) => line.trim()).filter(Boolean).at(-1) ?? 'unknown error';
}

function safeHost(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}
