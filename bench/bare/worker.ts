// The bare workflow's worker, in a process of its own as the system's worker is, so that each one's CPU is its own.
// `tsx bench/bare/worker.ts` with TEMPORAL_ADDRESS and BARE_TASK_QUEUE.
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import type { BareActivities } from './workflow';

const activities: BareActivities = {
  async write() {},
  async push() {
    return { delivered: true };
  },
};

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./workflow.ts', import.meta.url)), logger: new DefaultLogger('WARN') });
  const worker = await Worker.create({ connection, taskQueue: process.env.BARE_TASK_QUEUE!, workflowBundle, activities });
  const stop = () => worker.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await worker.run();
  await connection.close();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
