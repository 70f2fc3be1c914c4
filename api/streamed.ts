// An answer written as it is made, for bodies too large to build in memory (a draw's record at a million entities,
// R20): chunk by chunk, as fast as the client takes them. The route answers this way itself; `mount` then sees the
// headers sent and leaves the response alone.
import type { ServerResponse } from 'node:http';
import { logger } from '../infra/logger';

/**
 * Answers 200 with the chunks as the body. Whenever the socket's buffer is full it waits for 'drain', so only a
 * chunk or two is held at a time; a client that goes away stops the reading (the iterator is returned, its
 * `finally` runs). A failure before the first chunk is thrown, to become a problem answer; after it, nothing can
 * be said any more: the connection is cut, so that the client sees a broken download, not a short one that looks
 * whole. Answers whether the body was sent to its end.
 */
export async function sendStreamed(res: ServerResponse, chunks: AsyncIterable<Uint8Array>, headers: Record<string, string>): Promise<boolean> {
  let gone = false;
  const closed = new Promise<void>((resolve) =>
    res.once('close', () => {
      gone = true;
      resolve();
    }),
  );
  res.statusCode = 200;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (res.req.method === 'HEAD') {
    res.end();
    return true;
  }
  try {
    for await (const chunk of chunks) {
      if (gone || res.destroyed) return false;
      if (!res.write(chunk)) await Promise.race([new Promise<void>((resolve) => res.once('drain', resolve)), closed]);
      // Checked before the next chunk is asked for: a client gone while this one was written reads nothing more.
      if (gone || res.destroyed) return false;
    }
  } catch (error) {
    if (!res.headersSent) throw error;
    logger.error('streamed answer failed after its first byte: the connection is cut', { path: res.req.url, error: String((error as Error)?.stack ?? error) });
    res.destroy();
    return false;
  }
  if (gone || res.destroyed) return false;
  res.end();
  return true;
}
