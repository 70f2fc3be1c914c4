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
    const where = safeHost(databaseUrl);
    throw new Error(`Cannot reach PostgreSQL at ${where}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
  }
}

function safeHost(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}
