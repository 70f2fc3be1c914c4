// Prisma on its WebAssembly query compiler with the pg driver adapter: no native engine to download.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';

export type Db = PrismaClient;

export function createDb(databaseUrl: string, poolSize = 10): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }) });
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
