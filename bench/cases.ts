// bench/cases: opens N cases through the HTTP API and drives each through inspection, review,
// rectification order, early rectification report, revisit and closure, on the Temporal dev server and the
// PostgreSQL of this machine. Prints throughput, latency percentiles and worker peak memory. Then, on the same dev
// server, it runs as many bare workflows doing only a case's Temporal operations (bench/bare/workflow.ts) and prints
// both rates and the CPU per lifecycle side by side, with the system's cost as a multiple of the engine's own.
//
//   npm run bench:cases -- --cases 10000 --clients 50
//
// Uses BENCH_DATABASE_URL (a server where it may create a database) or else the embedded PostgreSQL that `npm start`
// runs, started for the run (bench/postgres.ts), and its own in-memory Temporal dev server, worker process and API
// process. The figures name the PostgreSQL server they came from.
import { createDb } from '../db/client';
import { createUser } from '../services/auth';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrateDatabase } from '../infra/migrate';
import { runBare } from './bare/run';
import { pool } from './pool';
import { usccCheckCharacter } from '../domain/uscc';
import { benchDatabaseServer } from './postgres';
import { cpuNow as cpuOf, json, postgresPids, rssMb, startSystem } from './system';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '50' },
  },
});
const totalCases = Number(values.cases);
const clients = Number(values.clients);

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main() {
  const databaseName = `bench_cases_${Date.now()}`;
  const server = await benchDatabaseServer();
  const serverUrl = server.url;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database "${databaseName}"`);
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).toString();
  await migrateDatabase(databaseUrl);

  const system = await startSystem(databaseUrl, {
    DATABASE_POOL_SIZE: '20',
    LOG_LEVEL: 'warn',
    CASE_RECTIFICATION_DAY_KIND: 'calendar',
  }, 'bench-cases');
  const { base, env, temporal, worker, api: apiProcess, client, children } = system;

  const workerRssAtStart = rssMb(worker.child.pid!);
  let peakWorkerRss = 0;
  const sampler = setInterval(() => {
    peakWorkerRss = Math.max(peakWorkerRss, rssMb(worker.child.pid!));
  }, 250);

  try {
    // People: a coordinator and twenty officers, each signed in.
    const db = createDb(databaseUrl, 2);
    const password = 'bench password 2026';
    const signIn = async (username: string) => {
      const { accessToken } = await json(base, 'POST', '/auth/login', { username, password });
      return { authorization: `Bearer ${accessToken}` };
    };
    await createUser(db, { username: 'bench-coordinator', displayName: 'bench', password, roles: ['coordinator'] });
    const coordinator = await signIn('bench-coordinator');
    const officers: string[] = [];
    const officerHeaders = new Map<string, Record<string, string>>();
    for (let index = 0; index < 20; index += 1) {
      const officer = await json(base, 'POST', '/officers', {
        name: `执法员${index}`,
        certificateNumber: `BENCH${Date.now()}${index}`,
        certificateValidUntil: '2030-12-31',
      }, coordinator);
      await createUser(db, { username: `bench-officer-${index}`, displayName: officer.name, password, roles: ['officer'], officerId: officer.id });
      officers.push(officer.id);
      officerHeaders.set(officer.id, await signIn(`bench-officer-${index}`));
    }
    await db.$disconnect();
    const entities: string[] = new Array(totalCases);
    await pool(totalCases, clients, async (index) => {
      const first17 = `91320482${String(index).padStart(9, '0')}`;
      const entity = await json(base, 'POST', '/entities', { uscc: first17 + usccCheckCharacter(first17), name: `基准测试企业${index}` }, coordinator);
      entities[index] = entity.id;
    });

    const teamOf = (index: number) => [officers[(2 * index) % officers.length]!, officers[(2 * index + 1) % officers.length]!];
    const officer = (id: string) => officerHeaders.get(id)!;

    // CPU per case of each process, per phase: what a change saves, less noisy than the rates on a shared machine.
    const processes = (): Record<string, number[]> => ({
      worker: [worker.child.pid!],
      api: [apiProcess.child.pid!],
      temporal: [temporal.process.child.pid!],
      postgres: postgresPids(databaseName),
      bench: [process.pid],
    });
    const cpuNow = (of = processes()) => cpuOf(of);
    const cpuPerCaseMs = (before: Record<string, number>, after: Record<string, number>) =>
      Object.fromEntries(Object.keys(after).map((name) => [name, +(((after[name]! - (before[name] ?? 0)) * 1000) / totalCases).toFixed(1)]));

    // 1. Opening.
    const caseIds: string[] = new Array(totalCases);
    const cpuBeforeOpening = cpuNow();
    const openStarted = performance.now();
    await pool(totalCases, clients, async (index) => {
      const opened = await json(base, 'POST', '/cases', { entityId: entities[index], origin: 'complaint', reason: '基准测试投诉', team: teamOf(index) }, coordinator);
      caseIds[index] = opened.id;
    });
    const openSeconds = (performance.now() - openStarted) / 1000;
    const cpuAfterOpening = cpuNow();

    // 2. Whole lifecycles with immediate actions; action and read latencies under `clients` concurrent clients.
    const actionLatencies: number[] = [];
    const readLatencies: number[] = [];
    const timed = async (samples: number[], call: () => Promise<unknown>) => {
      const started = performance.now();
      const result = await call();
      samples.push(performance.now() - started);
      return result;
    };
    const today = new Date().toISOString().slice(0, 10);
    const lifecycleStarted = performance.now();
    await pool(totalCases, clients, async (index) => {
      const id = caseIds[index]!;
      const team = teamOf(index);
      const lead = officer(team[0]!);
      await timed(actionLatencies, () =>
        json(base, 'POST', `/cases/${id}/inspection`, {
          inspectionDate: today,
          officersPresent: team,
          resultCategory: 'problem_found',
          items: [{ itemCode: 'SW-YFK-01', checkpoints: [{ code: 'deposit', passed: false }] }],
        }, lead),
      );
      await timed(actionLatencies, () => json(base, 'POST', `/cases/${id}/review`, { decision: 'approve' }, coordinator));
      await timed(actionLatencies, () => json(base, 'POST', `/cases/${id}/rectification-order`, { requirements: '限期整改' }, lead));
      await timed(actionLatencies, () => json(base, 'POST', `/cases/${id}/rectification-report`, { note: '已整改' }, lead));
      await timed(actionLatencies, () =>
        json(base, 'POST', `/cases/${id}/revisit`, { revisitDate: today, officersPresent: team, rectified: true, findings: '已整改' }, lead),
      );
      for (;;) {
        const current = (await timed(readLatencies, () => json(base, 'GET', `/cases/${id}`, undefined, coordinator))) as { status: string };
        if (current.status === 'closed') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    const lifecycleSeconds = (performance.now() - lifecycleStarted) / 1000;
    const cpuAfterLifecycles = cpuNow();

    // 3. The engine's own cost: the same Temporal operations, bare, for as many cases, on the same dev server.
    const bare = await runBare({ client, env, children, totalCases, clients, teamOf, cpuNow, temporalPid: temporal.process.child.pid! });
    const total = (perProcess: Record<string, number>) => +Object.values(perProcess).reduce((sum, ms) => sum + ms, 0).toFixed(1);
    const systemCpu = cpuPerCaseMs(cpuAfterOpening, cpuAfterLifecycles);

    const figures = {
      postgres: server.description,
      cases: totalCases,
      clients,
      casesOpenedPerSecond: +(totalCases / openSeconds).toFixed(1),
      completeLifecyclesPerSecond: +(totalCases / lifecycleSeconds).toFixed(1),
      getCaseP50Ms: +percentile(readLatencies, 50).toFixed(1),
      getCaseP99Ms: +percentile(readLatencies, 99).toFixed(1),
      officerActionP50Ms: +percentile(actionLatencies, 50).toFixed(1),
      officerActionP99Ms: +percentile(actionLatencies, 99).toFixed(1),
      readsPerCase: +(readLatencies.length / totalCases).toFixed(1),
      workerRssAtStartMb: +workerRssAtStart.toFixed(0),
      workerPeakRssMb: +peakWorkerRss.toFixed(0),
      cpuMsPerCaseOpening: cpuPerCaseMs(cpuBeforeOpening, cpuAfterOpening),
      cpuMsPerCaseLifecycle: cpuPerCaseMs(cpuAfterOpening, cpuAfterLifecycles),
    };
    const side = {
      system: {
        openingsPerSecond: figures.casesOpenedPerSecond,
        lifecyclesPerSecond: figures.completeLifecyclesPerSecond,
        cpuMsPerLifecycle: total(systemCpu),
        cpuMsPerLifecycleByProcess: systemCpu,
      },
      bareTemporal: bare,
      ratio: {
        cpuPerLifecycle: +(total(systemCpu) / bare.cpuMsPerLifecycle).toFixed(2),
        lifecyclesPerSecond: +(figures.completeLifecyclesPerSecond / bare.lifecyclesPerSecond).toFixed(2),
        openingsPerSecond: +(figures.casesOpenedPerSecond / bare.openingsPerSecond).toFixed(2),
      },
    };
    console.log(JSON.stringify({ ...figures, beside: side }, null, 2));
    console.log(
      [
        '',
        '                      system   bare Temporal   system ÷ bare',
        `openings/s        ${String(side.system.openingsPerSecond).padStart(9)}  ${String(bare.openingsPerSecond).padStart(14)}  ${String(side.ratio.openingsPerSecond).padStart(14)}`,
        `lifecycles/s      ${String(side.system.lifecyclesPerSecond).padStart(9)}  ${String(bare.lifecyclesPerSecond).padStart(14)}  ${String(side.ratio.lifecyclesPerSecond).padStart(14)}`,
        `CPU ms/lifecycle  ${String(side.system.cpuMsPerLifecycle).padStart(9)}  ${String(bare.cpuMsPerLifecycle).padStart(14)}  ${String(side.ratio.cpuPerLifecycle).padStart(14)}`,
      ].join('\n'),
    );
  } finally {
    clearInterval(sampler);
    await system.stop();
    await admin.query(`drop database if exists "${databaseName}" with (force)`);
    await admin.end();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
