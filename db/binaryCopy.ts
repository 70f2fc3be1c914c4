// Binary `COPY (query) TO STDOUT` through pg, for reads of a million rows (the draw's pool, activities/drawPool.ts):
// through an ordinary query each row becomes an object of strings, which costs most of the reading time and
// hundreds of megabytes. Here the rows are handed over as bytes where they lie in the socket's chunks, with the
// few decoders their fields need.
import { Socket, type SocketConstructorOpts } from 'node:net';
import type pg from 'pg';

// Big-endian integers of the wire format, read byte by byte: Buffer's own readers validate their argument
// on every call, which adds up over a dozen fields in each of a million rows.
export const uint32 = (bytes: Uint8Array, at: number) => ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
export const int32 = (bytes: Uint8Array, at: number) => (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
export const int16 = (bytes: Uint8Array, at: number) => (((bytes[at]! << 8) | bytes[at + 1]!) << 16) >> 16;

/** Buffer's Latin-1 decoder itself, without the argument handling of toString. */
export const latin1 = (bytes: Buffer, start: number, end: number): string => (bytes as Buffer & { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);

const BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const COPY_DATA = 0x64; // 'd'
const COPY_OUT_RESPONSE = 0x48; // 'H'

/** What pg's client exposes to a submittable: its connection, whose `stream` is the server socket. */
interface PgConnection {
  query(text: string): void;
  stream: DirectSocket;
}

/** A socket that can hand what it reads to one consumer directly (ownBufferSocket's). */
interface DirectSocket extends NodeJS.EventEmitter {
  direct?: ((chunk: Buffer) => void) | undefined;
}

/**
 * A socket that reads into one buffer of its own rather than into a fresh 64 KB one each time. The entity
 * reader's connections bring in some 85 MB; read the usual way, those chunks stay in the process's memory
 * long after they are garbage (freed into the allocator, not given back to the system). A COPY in progress
 * takes each read as it lies (`direct`), before the buffer is reused; anything else goes to the 'data'
 * listeners as usual, copied, since pg's parser may keep a chunk.
 */
export function ownBufferSocket(): Socket {
  const buffer = Buffer.allocUnsafe(1 << 16);
  const socket: Socket & DirectSocket = new Socket({
    onread: {
      buffer,
      callback: (size: number) => {
        const chunk = buffer.subarray(0, size);
        if (socket.direct) socket.direct(chunk);
        else socket.emit('data', Buffer.from(chunk));
        return true;
      },
    },
  } as SocketConstructorOpts);
  socket.direct = undefined;
  return socket;
}

/**
 * A binary `COPY ... TO STDOUT` run through pg's client as a submittable (pg has no COPY support of its own).
 * Like the pg-copy-streams package, it takes the connection's socket over while the rows flow: the CopyData
 * messages, one per row, are parsed where they lie in the socket's chunks instead of becoming a message
 * object and a Buffer each in pg's parser. From the first message that is not a row on (CopyDone, an error,
 * a notice), the bytes go back to pg's parser, which then ends the query as usual through the handle*
 * methods below; a row that still reaches pg that way comes to handleCopyData.
 */
class BinaryCopyOut {
  private failure: unknown;
  private headerSeen = false;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;
  readonly done = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
  private socket: DirectSocket | undefined;
  private pgListeners: ((chunk: Buffer) => void)[] = [];
  /** A message split across socket chunks, and how many of its bytes have arrived. */
  private pending: Buffer | undefined;
  private pendingFilled = 0;

  constructor(
    private readonly text: string,
    private readonly fieldCount: number,
    private readonly onTuple: (bytes: Buffer, start: number, end: number) => void,
  ) {}

  submit(connection: PgConnection): void {
    this.socket = connection.stream;
    if ('direct' in this.socket) {
      this.socket.direct = this.onData;
    } else {
      this.pgListeners = this.socket.listeners('data') as ((chunk: Buffer) => void)[];
      this.socket.removeAllListeners('data');
      this.socket.on('data', this.onData);
    }
    connection.query(`copy (${this.text}) to stdout with (format binary)`);
  }

  private ownsSocket(): boolean {
    const socket = this.socket;
    return socket !== undefined && ('direct' in socket ? socket.direct === this.onData : socket.listeners('data').includes(this.onData));
  }

  /** Gives the socket back to pg, with the bytes it has not had yet. */
  private handBack(rest: Buffer): void {
    const socket = this.socket!;
    if ('direct' in socket) {
      socket.direct = undefined;
      // The socket's buffer is read into again: pg gets a copy.
      if (rest.length > 0) socket.emit('data', Buffer.from(rest));
      return;
    }
    socket.removeListener('data', this.onData);
    for (const listener of this.pgListeners) socket.on('data', listener);
    if (rest.length > 0) for (const listener of this.pgListeners) listener(rest);
  }

  /** One message `start..end` of `bytes`; false when it is not ours and pg must take over from it. */
  private message(bytes: Buffer, start: number, end: number): boolean {
    const code = bytes[start];
    if (code === COPY_DATA) {
      this.tuple(bytes, start + 5, end);
      return true;
    }
    return code === COPY_OUT_RESPONSE;
  }

  private readonly onData = (chunk: Buffer): void => {
    let offset = 0;
    if (this.pending !== undefined) {
      let pending = this.pending;
      if (this.pendingFilled < 5) {
        const take = Math.min(5 - this.pendingFilled, chunk.length);
        chunk.copy(pending, this.pendingFilled, 0, take);
        this.pendingFilled += take;
        offset = take;
        if (this.pendingFilled < 5) return;
        const whole = Buffer.allocUnsafe(1 + uint32(pending, 1));
        pending.copy(whole, 0, 0, 5);
        pending = this.pending = whole;
      }
      const take = Math.min(pending.length - this.pendingFilled, chunk.length - offset);
      chunk.copy(pending, this.pendingFilled, offset, offset + take);
      this.pendingFilled += take;
      offset += take;
      if (this.pendingFilled < pending.length) return;
      this.pending = undefined;
      if (!this.message(pending, 0, pending.length)) {
        this.handBack(Buffer.concat([pending, chunk.subarray(offset)]));
        return;
      }
    }
    while (offset + 5 <= chunk.length) {
      const end = offset + 1 + uint32(chunk, offset + 1);
      if (end > chunk.length) break;
      if (!this.message(chunk, offset, end)) {
        this.handBack(chunk.subarray(offset));
        return;
      }
      offset = end;
    }
    if (offset < chunk.length) {
      const rest = chunk.length - offset;
      this.pending = Buffer.allocUnsafe(rest < 5 ? 5 : 1 + uint32(chunk, offset + 1));
      chunk.copy(this.pending, 0, offset);
      this.pendingFilled = rest;
    }
  };

  /** One row, `start..end` being the CopyData payload. */
  private tuple(bytes: Buffer, start: number, end: number): void {
    if (this.failure !== undefined) return;
    try {
      if (!this.headerSeen) {
        // The file header (signature, flags, header-extension length and extension) comes before the first row.
        this.headerSeen = true;
        if (end - start < 19 || bytes.compare(BINARY_SIGNATURE, 0, 11, start, start + 11) !== 0) throw new Error('not a binary COPY');
        start += 19 + uint32(bytes, start + 15);
        if (start >= end) return;
      }
      const fields = int16(bytes, start);
      if (fields === -1) return; // the trailer
      if (fields !== this.fieldCount) throw new Error(`COPY row with ${fields} fields, expected ${this.fieldCount}`);
      this.onTuple(bytes, start + 2, end);
    } catch (error) {
      this.failure = error;
    }
  }

  handleCopyData(message: { chunk: Buffer }): void {
    this.tuple(message.chunk, 0, message.chunk.length);
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail('not a COPY FROM');
  }

  handleError(error: unknown): void {
    if (this.ownsSocket()) this.handBack(Buffer.alloc(0));
    this.failure ??= error;
    this.reject(this.failure);
  }

  handleReadyForQuery(): void {
    if (this.failure === undefined) this.resolve();
    else this.reject(this.failure);
  }
}


/**
 * A slot (0–1023) for the bytes `start..end`, mixed from bytes of both fields: the category's length and the

/** Runs a binary COPY of `text`, calling `onTuple(bytes, start, end)` with the fields of each row at `start..end`. */
export function copyOut(client: pg.ClientBase, text: string, fieldCount: number, onTuple: (bytes: Buffer, start: number, end: number) => void): Promise<void> {
  const copy = new BinaryCopyOut(text, fieldCount, onTuple);
  client.query(copy as unknown as pg.Submittable);
  return copy.done;
}


/**
 * A text[] field (its 4-byte length first) in the binary array format, as a flat list; a null array as an
 * empty one and a null element as null, as pg's own parser gives them.
 */
export function textArray(bytes: Buffer, at: number): string[] {
  if (int32(bytes, at) < 0) return [];
  const dimensions = int32(bytes, at + 4);
  let count = dimensions > 0 ? 1 : 0;
  for (let dimension = 0; dimension < dimensions; dimension += 1) count *= int32(bytes, at + 16 + 8 * dimension);
  const values: string[] = [];
  let element = at + 16 + 8 * dimensions;
  for (let index = 0; index < count; index += 1) {
    const length = int32(bytes, element);
    values.push(length < 0 ? (null as unknown as string) : bytes.toString('utf8', element + 4, element + 4 + length));
    element += 4 + Math.max(length, 0);
  }
  return values;
}

// ─── Uuids as text ───
// Byte i of a uuid becomes the two hex digits at UUID_DIGIT_AT[i] of its 8-4-4-4-12 text.
const UUID_DIGIT_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const HEX_HIGH = Uint8Array.from({ length: 256 }, (_, byte) => '0123456789abcdef'.charCodeAt(byte >> 4));
const HEX_LOW = Uint8Array.from({ length: 256 }, (_, byte) => '0123456789abcdef'.charCodeAt(byte & 15));
export const UUID_TEXT_LENGTH = 36;

/** Writes the uuid whose 16 bytes start at `from` as text into `out` at `at`. */
export function putUuidText(out: Uint8Array, at: number, bytes: Uint8Array, from: number): void {
  for (let index = 0; index < 16; index += 1) {
    const byte = bytes[from + index]!;
    const digit = at + UUID_DIGIT_AT[index]!;
    out[digit] = HEX_HIGH[byte]!;
    out[digit + 1] = HEX_LOW[byte]!;
  }
  out[at + 8] = out[at + 13] = out[at + 18] = out[at + 23] = 45; // -
}

const uuidScratch = Buffer.alloc(UUID_TEXT_LENGTH);

/** The uuid whose 16 bytes start at `at`, as text. */
export function uuidFromBytes(bytes: Uint8Array, at: number): string {
  putUuidText(uuidScratch, 0, bytes, at);
  return latin1(uuidScratch, 0, UUID_TEXT_LENGTH);
}
