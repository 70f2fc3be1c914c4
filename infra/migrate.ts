// Applies the committed migrations with `prisma migrate deploy`: the same command in set-up, start, tests and
// production, so the schema a test runs against is the one a deployment gets.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from './paths';

const run = promisify(execFile);

export async function migrateDatabase(databaseUrl: string): Promise<string> {
  try {
    const { stdout } = await run(path.join(projectRoot, 'node_modules', '.bin', 'prisma'), ['migrate', 'deploy'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(projectRoot, 'infra', 'prisma-cli-preload.cjs')}`.trim(),
      },
    });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    const detail = `${failure.stdout ?? ''}\n${failure.stderr ?? ''}`.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
    throw new Error(`Migrations failed on ${redactUrl(databaseUrl)}: ${detail || failure.message}`);
  }
}

/** A database URL fit for a log line: the password is never printed. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable database URL)';
  }
}
