// The target hasher of targetJson.mjs in a worker thread, for SnapshotBuilder: each message is one of its
// calls, in order, and `finish` is answered with its result (and, when asked to keep it, the canonical JSON in
// compressed parts, canonicalParts.mjs). A hashed batch's memory goes straight back:
// this thread makes too little garbage of its own for its collector to free the batches soon.
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createPartWriter } from './canonicalParts.mjs';
import { createTargetHasher } from './targetJson.mjs';

// Below the thread that feeds it: the builder's caller reads the rows and then draws meanwhile, and that is
// what the result waits for; the hashing, which has less to do, fits in around it. (On Linux a thread's
// priority is its own: pid 0 is this thread. Elsewhere it may not be allowed, and then it stays as it is.)
try {
  setPriority(0, constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // not allowed here
}

const parts = workerData.keepCanonical ? createPartWriter() : undefined;
const hasher = createTargetHasher(workerData.flagNames, parts);
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
port.on('message', (message) => {
  if (message.head) hasher.head(message.head);
  if (message.categories) hasher.strings(message.categories, message.streets);
  if (message.batch) {
    hasher.batch(message.batch, message.count, message.offsets);
    // Shared memory (a reader's buckets, which the snapshot keeps) is not this thread's to give back.
    const spent = [message.batch.buffer, message.offsets?.buffer].filter((buffer) => buffer instanceof ArrayBuffer);
    port.postMessage({ spent }, spent);
  }
  if (message.finish) {
    const result = hasher.finish();
    void (parts?.finish() ?? Promise.resolve(undefined)).then((canonical) => port.postMessage({ ...result, canonical }));
  }
});
