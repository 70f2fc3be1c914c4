// A draw's record written as it is read (R20): the stored parts pass through one at a time, never joined, and the
// writer takes the next only as the client takes what it was given.
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendStreamed } from '../../api/streamed';
import { recordChunks } from '../../services/draws';

const MB = 1 << 20;

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const all: Uint8Array[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

describe('R20 a record\'s JSON around the stored parts', () => {
  const head = Buffer.from('{"conflicts":[{"entityId":"e","officerId":"o"}],"officers":[],"targets":[');
  const targets = [Buffer.from('{"category":"c","id":"a","inspectionsThisYear":0,"riskFlags":[],"street":"s","uscc":"u"},'), Buffer.from('{"category":"c","id":"b","inspectionsThisYear":1,"riskFlags":["dishonest"],"street":"s","uscc":"v"}]}')];

  it('R20 the parts are handed on as they came, each the very buffer read, never joined', async () => {
    const parts = [head, ...targets];
    const chunks = await collect(recordChunks('{"drawId":"d","snapshot":', from(parts), ',"seed":"x"}', { begins: ['{"conflicts":['], bytes: head.length + targets[0]!.length + targets[1]!.length }));
    expect(chunks).toHaveLength(parts.length + 2);
    parts.forEach((part, index) => expect(chunks[index + 1]).toBe(part));
    const record = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    expect(Object.keys(record)).toEqual(['drawId', 'snapshot', 'seed']);
    expect(record.snapshot.targets.map((target: { id: string }) => target.id)).toEqual(['a', 'b']);
  });

  it('R20 the public record is the targets\' parts after "targets":[, their closing ]} closing it', async () => {
    const chunks = await collect(recordChunks('{"drawId":"d","targets":[', from(targets), '', { begins: ['{"category":', ']}'] }));
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8'))).toEqual({ drawId: 'd', targets: [expect.objectContaining({ id: 'a' }), expect.objectContaining({ id: 'b' })] });
    const none = await collect(recordChunks('{"drawId":"d","targets":[', from([Buffer.from(']}')]), '', { begins: ['{"category":', ']}'] }));
    expect(JSON.parse(Buffer.concat(none).toString('utf8'))).toEqual({ drawId: 'd', targets: [] });
  });

  it('R20 stored bytes of another layout stop the record: the head where targets belong, a missing end, a length not the stored one', async () => {
    const publicOf = (parts: Buffer[]) => collect(recordChunks('{"targets":[', from(parts), '', { begins: ['{"category":', ']}'] }));
    await expect(publicOf([head, ...targets])).rejects.toThrow(/does not begin/);
    await expect(publicOf([targets[0]!])).rejects.toThrow(/does not end/);
    await expect(collect(recordChunks('{"snapshot":', from([head, ...targets]), '}', { begins: ['{"conflicts":['], bytes: 10 }))).rejects.toThrow(/not 10/);
  });
});

describe('R20 a streamed answer is written as fast as the client takes it', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A server answering with `chunks` megabyte chunks, made one at a time; what was made and whether the making stopped. */
  async function serve(chunks: number, failAfter?: number) {
    const state = { made: 0, stopped: false, sent: undefined as boolean | undefined, failed: undefined as unknown };
    async function* make(): AsyncGenerator<Uint8Array> {
      try {
        for (; state.made < chunks; ) {
          if (failAfter !== undefined && state.made === failAfter) throw new Error('the database went away');
          state.made += 1;
          yield Buffer.alloc(MB, 0x20);
        }
      } finally {
        state.stopped = true;
      }
    }
    server = createServer((req, res) => {
      sendStreamed(res, make(), { 'content-type': 'application/json; charset=utf-8' }).then(
        (sent) => (state.sent = sent),
        (error: unknown) => {
          state.failed = error;
          res.statusCode = 500;
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const response = await new Promise<IncomingMessage>((resolve) => get(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/`, resolve));
    return { state, response };
  }

  const until = async (check: () => boolean) => {
    for (let waited = 0; !check() && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('R20 a client that reads nothing holds the writer back, and one that goes away stops the reading', async () => {
    const { state, response } = await serve(256);
    response.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // What the sockets buffer, a few megabytes at most: not the 256 there are.
    expect(state.made).toBeLessThan(16);
    expect(state.stopped).toBe(false);
    response.destroy();
    await until(() => state.stopped);
    expect(state.stopped).toBe(true);
    expect(state.sent).toBe(false);
    expect(state.made).toBeLessThan(16);
  });

  it('R20 a client that reads gets every byte, the writer a chunk or so ahead', async () => {
    const { state, response } = await serve(64);
    let received = 0;
    let ahead = 0;
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      ahead = Math.max(ahead, state.made - received / MB);
    });
    await new Promise((resolve) => response.on('end', resolve));
    expect(received).toBe(64 * MB);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(state.sent).toBe(true);
    expect(ahead).toBeLessThan(16);
  });

  it('R20 a failure after the first byte cuts the connection, so the download shows broken rather than short', async () => {
    const { state, response } = await serve(64, 3);
    const outcome = await new Promise<string>((resolve) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve('ended'));
      response.on('error', () => resolve('broken'));
      response.on('aborted', () => resolve('broken'));
    });
    expect(outcome).toBe('broken');
    expect(state.sent).toBe(false);
    expect(state.stopped).toBe(true);
  });

  it('R20 a failure before the first byte is the caller\'s to answer as a problem', async () => {
    const { state, response } = await serve(64, 0);
    expect(response.statusCode).toBe(500);
    response.resume();
    expect(state.failed).toBeInstanceOf(Error);
  });
});
