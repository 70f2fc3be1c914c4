// Prisma CLI configuration. Migrations run on the WebAssembly schema engine through a driver adapter,
// because the native engine is downloaded from a CDN this project cannot rely on. The 7.x pg adapter is
// used here (and only here) since 6.19's cannot read the `name` columns of the catalog queries migrate runs.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg-migrate';
import pg from 'pg';

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * Describing a schema (shadow database, `migrate diff --from-migrations`) reads catalog columns of
 * PostgreSQL's one-byte `"char"` type, which the adapter cannot map; they are read as text instead.
 */
class CatalogReadingClient extends pg.Client {
  override query(...args: unknown[]): any {
    const asText = (answer: pg.QueryResult | undefined) => {
      for (const field of answer?.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
      return answer;
    };
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      // pg.Pool queries its clients with a callback.
      args[args.length - 1] = (error: Error | null, answer: pg.QueryResult) => callback(error, asText(answer));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return result instanceof Promise ? result.then(asText) : result;
  }
}

type MigrationAdapter = Awaited<ReturnType<PrismaPg['connect']>>;

/**
 * The adapter runs a migration script by splitting it at every `;` and sending the pieces one by one, which breaks
 * any function body or quoted text holding one (the triggers of migration draw_tallies) and leaves a failed
 * migration half applied. PostgreSQL takes the whole script as one query instead, run as one transaction.
 */
function wholeScripts(adapter: MigrationAdapter): MigrationAdapter {
  const { onError } = adapter as unknown as { onError(error: unknown): never };
  adapter.executeScript = async (script: string) => {
    try {
      await (adapter.underlyingDriver() as pg.Pool).query(script);
    } catch (error) {
      onError.call(adapter, error);
    }
  };
  return adapter;
}

class WholeScriptPrismaPg extends PrismaPg {
  override async connect() {
    return wholeScripts(await super.connect());
  }

  override async connectToShadowDb() {
    return wholeScripts(await super.connectToShadowDb());
  }
}

function requiredUrl(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run migrations through \`npm run migrate\` or set ${name}`);
  }
  return value;
}

/**
 * Connection fields rather than a connection string: the adapter makes its shadow database (for
 * `migrate diff --from-migrations`) by overriding `database`, which a connection string would win over.
 */
function connectionFields(databaseUrl: string) {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: decodeURIComponent(url.pathname.slice(1) || 'postgres'),
    ssl: url.searchParams.get('sslmode') === 'require' ? { rejectUnauthorized: false } : undefined,
    // The CLI exits only when the pool is empty; pg's default keeps idle connections for 10 s.
    idleTimeoutMillis: 200,
  };
}

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    return new WholeScriptPrismaPg({ ...connectionFields(requiredUrl('DATABASE_URL')), Client: CatalogReadingClient });
  },
});
