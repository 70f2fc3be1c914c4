// Prisma CLI configuration. Migrations run on the WebAssembly schema engine through a driver adapter,
// because the native engine is downloaded from a CDN this project cannot rely on. The 7.x pg adapter is
// used here (and only here) since 6.19's cannot read the `name` columns of the catalog queries migrate runs.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg-migrate';

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
    return new PrismaPg(connectionFields(requiredUrl('DATABASE_URL')));
  },
});
