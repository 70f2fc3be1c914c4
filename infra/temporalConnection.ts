// How every process reaches Temporal: a local dev server, a self-hosted cluster with mTLS, or Temporal Cloud
// with an API key — decided by configuration alone.
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import proto from '@temporalio/proto';
import type { ConnectedConfig } from '../config';
import { waitUntilReady, type ManagedProcess } from './childProcess';

type TemporalSettings = Pick<
  ConnectedConfig,
  'TEMPORAL_ADDRESS' | 'TEMPORAL_TLS' | 'TEMPORAL_TLS_CERT_PATH' | 'TEMPORAL_TLS_KEY_PATH' | 'TEMPORAL_TLS_CA_PATH' | 'TEMPORAL_API_KEY'
>;

function tlsOptions(settings: TemporalSettings) {
  if (settings.TEMPORAL_TLS_CERT_PATH && settings.TEMPORAL_TLS_KEY_PATH) {
    return {
      clientCertPair: {
        crt: readFileSync(settings.TEMPORAL_TLS_CERT_PATH),
        key: readFileSync(settings.TEMPORAL_TLS_KEY_PATH),
      },
      serverRootCACertificate: settings.TEMPORAL_TLS_CA_PATH ? readFileSync(settings.TEMPORAL_TLS_CA_PATH) : undefined,
    };
  }
  return settings.TEMPORAL_TLS || settings.TEMPORAL_API_KEY ? true : undefined;
}

function unreachable(settings: TemporalSettings, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  // The native client reports transport errors as Rust debug output; the OS's words are the useful part.
  const reason = /message: "([^"]+)"/.exec(message)?.[1] ?? message.split('\n')[0];
  return new Error(`Cannot reach Temporal at ${settings.TEMPORAL_ADDRESS}: ${reason}`);
}

export async function connectClient(settings: TemporalSettings & { TEMPORAL_NAMESPACE: string }): Promise<Client> {
  try {
    const connection = await Connection.connect({
      address: settings.TEMPORAL_ADDRESS,
      tls: tlsOptions(settings),
      apiKey: settings.TEMPORAL_API_KEY,
      connectTimeout: 5_000,
    });
    return new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE });
  } catch (error) {
    throw unreachable(settings, error);
  }
}

export async function connectWorkerConnection(settings: TemporalSettings): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({
      address: settings.TEMPORAL_ADDRESS,
      tls: tlsOptions(settings),
      apiKey: settings.TEMPORAL_API_KEY,
    });
  } catch (error) {
    throw unreachable(settings, error);
  }
}

/** Resolves once a worker polls the task queue: the moment cases on it can move. */
export async function waitForWorker(
  client: Client,
  namespace: string,
  taskQueue: string,
  worker: ManagedProcess,
): Promise<void> {
  await waitUntilReady(
    worker,
    async () => {
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue },
        taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      if (!pollers?.length) throw new Error('no worker polls the task queue yet');
    },
    { what: 'the worker' },
  );
}
