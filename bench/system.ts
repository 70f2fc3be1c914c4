// The system as `npm start` runs it, started for a benchmark on a database of its own: a Temporal dev server, the
// worker (with its heap limit) and the API as child processes, plus what a benchmark reads of them from /proc (CPU,
// memory and its high-water mark) and a lean HTTP client. bench/cases and bench/draw both measure through it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { DEFAULT_TASK_QUEUE } from '../config/temporal';
import { freePort, waitUntilReady, type ManagedProcess } from '../infra/childProcess';
import { roleHeapLimitMb, startRole, type RoleName } from '../infra/roles';
import { connectClient, waitForWorker } from '../infra/temporalConnection';
import { startTemporalDevServer, type TemporalDevServer } from '../infra/temporalDevServer';

const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

/** Resident memory now, in MB. */
export const rssMb = (pid: number) => statusField(pid, 'VmRSS');

/**
 * A process's resident high-water mark over a stretch of time, in MB: the kernel's own (VmHWM), reset at the start
 * through /proc/<pid>/clear_refs, so a peak between two samples is not missed.
 */
export function peakRss(pid: number): { read(): number } {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  return { read: () => Math.round(statusField(pid, 'VmHWM')) };
}

/** PostgreSQL's server processes serving a database (their CPU counts with the run's). */
export function postgresPids(databaseName: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(databaseName);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** CPU seconds used so far by each named group of processes. */
export function cpuNow(processes: Record<string, number[]>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(processes).map(([name, pids]) => [
      name,
      pids.reduce((sum, pid) => {
        try {
          return sum + cpuSeconds(pid);
        } catch {
          return sum; // a backend that has gone since
        }
      }, 0),
    ]),
  );
}

// The load generator shares the two cores with the system it measures: node:http with kept-alive sockets costs
// it about half the CPU of fetch.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** One HTTP call; JSON in and out, any status of 400 or more thrown with its body. */
export function json(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: { 'content-type': 'application/json', ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((response.statusCode ?? 500) >= 400) reject(new Error(`${method} ${path} → ${response.statusCode} ${text.slice(0, 300)}`));
          else resolve(JSON.parse(text));
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** A GET whose body is counted and dropped as it arrives: what a download costs the server, not the client. */
export function download(base: string, path: string, headers: Record<string, string> = {}): Promise<{ bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${path}`, { agent, headers }, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () => ((response.statusCode ?? 500) >= 400 ? reject(new Error(`GET ${path} → ${response.statusCode}`)) : resolve({ bytes })));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

export interface RunningSystem {
  base: string;
  env: NodeJS.ProcessEnv;
  temporal: TemporalDevServer;
  worker: ManagedProcess;
  api: ManagedProcess;
  client: Client;
  /** Every child started, the bench's own included: stopped in reverse order by `stop`. */
  children: ManagedProcess[];
  /** Calls `listener` with each line the process writes from now on. */
  onLine(process: ManagedProcess, listener: (line: string) => void): void;
  stop(): Promise<void>;
}

/**
 * Temporal dev server, worker and API as `npm start` starts them, on `databaseUrl`, with keys and a data folder of
 * the bench's own (never the real system's .data). `env` adds or overrides settings.
 */
export async function startSystem(databaseUrl: string, env: NodeJS.ProcessEnv = {}, name = 'bench'): Promise<RunningSystem> {
  const temporal = await startTemporalDevServer({ port: await freePort() });
  const apiPort = await freePort();
  const fullEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    API_PORT: String(apiPort),
    AUTH_TOKEN_SECRET: randomBytes(32).toString('hex'),
    DRAW_SEED_KEY: randomBytes(32).toString('hex'),
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), `ssj-${name}-`)),
    PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
    // A long run outlasts the 15-minute access token the bench signs in for once.
    ACCESS_TOKEN_TTL_SECONDS: '86400',
    ...env,
  };
  const children: ManagedProcess[] = [];
  const role = (role: RoleName) => {
    const profile = process.env.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
    const child = startRole(role, { env: fullEnv, nodeArgs: profile, heapLimitMb: roleHeapLimitMb(role, loadConfig(fullEnv)) });
    children.push(child);
    return child;
  };
  const worker = role('worker');
  const api = role('api');
  const base = `http://127.0.0.1:${apiPort}`;
  let client: Client | undefined;
  try {
    await waitUntilReady(api, () => json(base, 'GET', '/health'));
    client = await connectClient({ ...loadConfig({}), TEMPORAL_ADDRESS: temporal.address });
    await waitForWorker(client, 'default', DEFAULT_TASK_QUEUE, worker);
  } catch (error) {
    for (const child of children.reverse()) await child.stop();
    await temporal.stop();
    throw error;
  }
  return {
    base,
    env: fullEnv,
    temporal,
    worker,
    api,
    client,
    children,
    onLine(process, listener) {
      let rest = '';
      process.child.stdout?.on('data', (chunk: string | Buffer) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop()!;
        for (const line of lines) listener(line);
      });
    },
    async stop() {
      await client!.connection.close();
      for (const child of children.reverse()) await child.stop();
      await temporal.stop();
    },
  };
}
