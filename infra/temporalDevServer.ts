// The real Temporal server for development and tests: the official CLI's `server start-dev`, persisted to
// a SQLite file when one is given, with the search attributes this system needs registered at start.
import { Connection } from '@temporalio/client';
import { searchAttributeRegistrations } from '../config/temporal';
import { findTemporalCli } from './temporalCli.mjs';
import { startProcess, waitUntilReady, type ManagedProcess } from './childProcess';

export interface TemporalDevServerOptions {
  port: number;
  /** Web UI port; without one the server runs headless. */
  uiPort?: number;
  /** SQLite file that keeps workflows, timers and history across restarts; in memory without one. */
  dbFile?: string;
  namespace?: string;
  logFile?: string;
}

export interface TemporalDevServer {
  address: string;
  uiUrl?: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Where this system's dev server departs from the CLI's defaults. The CLI re-reads the search-attribute mapping
 * from its database on every use, so that attributes created while it runs show at once; ours are all registered
 * at start, and the re-reads cost the server CPU on every case step. An activity scheduled by a workflow task
 * goes straight back to the worker that completed the task (eager execution) instead of through matching and
 * a poll: the credit push starts at once.
 */
const devServerDynamicConfig = {
  'system.forceSearchAttributesCacheRefreshOnRead': false,
  'system.enableActivityEagerExecution': true,
};

export function temporalCliPath(): string {
  const cli = findTemporalCli();
  if (!cli) throw new Error('No Temporal CLI found: run `npm run setup` (it builds one) or set TEMPORAL_CLI_PATH');
  return cli;
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const address = `127.0.0.1:${options.port}`;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  for (const registration of searchAttributeRegistrations()) args.push('--search-attribute', registration);
  for (const [key, value] of Object.entries(devServerDynamicConfig)) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);

  const server = startProcess('temporal', temporalCliPath(), args, { logFile: options.logFile });
  await waitUntilReady(
    server,
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: options.namespace ?? 'default' });
      } finally {
        await connection.close();
      }
    },
    { what: `Temporal dev server on ${address}` },
  );
  return {
    address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    process: server,
    stop: () => server.stop(),
  };
}
