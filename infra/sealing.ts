// Secrets kept in the database only sealed: AES-256-GCM under a key that lives outside it (the environment, or the
// data folder under `npm start`). A reader of the database, or of a backup, learns nothing from a sealed value, and
// an altered one fails to open rather than open to something else.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const FORMAT = 'aes-256-gcm:v1';

/** A 32-byte key from its 64 hex digits, as configuration gives it. */
export function sealingKey(hex: string): Buffer {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('a sealing key is 64 hexadecimal digits (32 bytes)');
  return Buffer.from(hex, 'hex');
}

/** `aes-256-gcm:v1:<iv>:<ciphertext>:<tag>`, base64url parts; `purpose` is bound in as associated data. */
export function seal(key: Buffer, purpose: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(purpose, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [FORMAT, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(':');
}

export function unseal(key: Buffer, purpose: string, sealed: string): string {
  const [algorithm, version, iv, ciphertext, tag] = sealed.split(':');
  if (`${algorithm}:${version}` !== FORMAT || !iv || !ciphertext || !tag) throw new Error('not a sealed value of this system');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(purpose, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
