// Signed checkpoints of the audit chain's head (R20). The key that signs them is not in the database: it is given
// to the worker only (AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE; `npm start` makes one under DATA_DIR), and the
// checkpoints are kept in a file outside the database (AUDIT_CHECKPOINT_FILE) and published on the public side,
// where anyone may keep a copy. The database holds a copy too, for API processes on other machines; a row forged
// there fails its signature. Whoever can write the database cannot sign, so a deletion of the newest entries or a
// recomputed chain no longer matches what was signed.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/client';
import { canonicalJson, type ChainCheckpoint } from '../domain/auditChain';
import { DomainError } from '../domain/errors';

export interface SignedCheckpoint extends ChainCheckpoint {
  version: 1;
  /** The first 16 hex digits of the SHA-256 of the public key (SPKI, DER). */
  keyId: string;
  /** Ed25519 over the UTF-8 of the canonical JSON of the other fields (keys sorted, no spaces), base64. */
  signature: string;
}

export interface AuditVerifyingKey {
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

export interface AuditSigner extends AuditVerifyingKey {
  privateKey: KeyObject;
  /** Where checkpoints are appended, one JSON line each. */
  checkpointFile: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function verifyingKeyOf(publicKey: KeyObject): AuditVerifyingKey {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit signing key must be an Ed25519 key');
  return { publicKey, publicKeyPem: String(publicKey.export({ type: 'spki', format: 'pem' })), keyId: keyIdOf(publicKey) };
}

/** A PEM given in one environment line may carry `\n` for its line breaks. */
const pemText = (value: string) => value.replace(/\\n/g, '\n').trim();

export interface AuditKeySettings {
  AUDIT_SIGNING_KEY?: string;
  AUDIT_SIGNING_KEY_FILE?: string;
  AUDIT_PUBLIC_KEY?: string;
  AUDIT_CHECKPOINT_FILE?: string;
  DATA_DIR: string;
}

/** The default key file and checkpoint file under the data folder, where `npm start` keeps them. */
export function defaultAuditPaths(dataDir: string) {
  return { signingKeyFile: path.join(dataDir, 'audit-signing-key.pem'), checkpointFile: path.join(dataDir, 'audit-checkpoints.jsonl') };
}

function signingKeyPem(settings: AuditKeySettings, dataDir: string): string | undefined {
  if (settings.AUDIT_SIGNING_KEY) return pemText(settings.AUDIT_SIGNING_KEY);
  const file = settings.AUDIT_SIGNING_KEY_FILE ?? defaultAuditPaths(dataDir).signingKeyFile;
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

export function checkpointFileOf(settings: AuditKeySettings, dataDir: string): string {
  return path.resolve(settings.AUDIT_CHECKPOINT_FILE ?? defaultAuditPaths(dataDir).checkpointFile);
}

/** For the worker, which signs: undefined when no key is configured. */
export function auditSignerFrom(settings: AuditKeySettings, dataDir: string): AuditSigner | undefined {
  const pem = signingKeyPem(settings, dataDir);
  if (!pem) return undefined;
  const privateKey = createPrivateKey(pem);
  return { ...verifyingKeyOf(createPublicKey(privateKey)), privateKey, checkpointFile: checkpointFileOf(settings, dataDir) };
}

/** For the API and `npm run audit:verify`, which only check: the public key, given or derived from the signing key. */
export function auditVerifyingKeyFrom(settings: AuditKeySettings, dataDir: string): AuditVerifyingKey | undefined {
  if (settings.AUDIT_PUBLIC_KEY) return verifyingKeyOf(createPublicKey(pemText(settings.AUDIT_PUBLIC_KEY)));
  const pem = signingKeyPem(settings, dataDir);
  return pem ? verifyingKeyOf(createPublicKey(createPrivateKey(pem))) : undefined;
}

const signedText = (checkpoint: Omit<SignedCheckpoint, 'signature'>) =>
  Buffer.from(canonicalJson({ version: checkpoint.version, seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at, keyId: checkpoint.keyId }), 'utf8');

export function signCheckpoint(signer: AuditSigner, head: ChainCheckpoint): SignedCheckpoint {
  const unsigned = { version: 1 as const, seq: head.seq, hash: head.hash, at: head.at, keyId: signer.keyId };
  return { ...unsigned, signature: sign(null, signedText(unsigned), signer.privateKey).toString('base64') };
}

export function checkpointSignatureHolds(key: AuditVerifyingKey, checkpoint: SignedCheckpoint): boolean {
  try {
    return checkpoint.version === 1 && checkpoint.keyId === key.keyId && verify(null, signedText(checkpoint), key.publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

function asCheckpoint(value: unknown): SignedCheckpoint | undefined {
  const v = value as Partial<SignedCheckpoint> | null;
  if (!v || typeof v !== 'object') return undefined;
  if (v.version !== 1 || typeof v.seq !== 'string' || !/^\d+$/.test(v.seq) || typeof v.hash !== 'string' || typeof v.at !== 'string') return undefined;
  if (typeof v.keyId !== 'string' || typeof v.signature !== 'string') return undefined;
  return { version: 1, seq: v.seq, hash: v.hash, at: v.at, keyId: v.keyId, signature: v.signature };
}

export function readCheckpointFile(file: string): { checkpoints: SignedCheckpoint[]; unreadableLines: number; found: boolean } {
  if (!existsSync(file)) return { checkpoints: [], unreadableLines: 0, found: false };
  const checkpoints: SignedCheckpoint[] = [];
  let unreadableLines = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let parsed: SignedCheckpoint | undefined;
    try {
      parsed = asCheckpoint(JSON.parse(line));
    } catch {
      parsed = undefined;
    }
    if (parsed) checkpoints.push(parsed);
    else unreadableLines += 1;
  }
  return { checkpoints, unreadableLines, found: true };
}

/** Every checkpoint known, from the file (when this process can read it) and the database, each once. */
export async function knownCheckpoints(db: Db, checkpointFile: string | undefined) {
  const fromFile = checkpointFile ? readCheckpointFile(checkpointFile) : { checkpoints: [], unreadableLines: 0, found: false };
  const rows = await db.auditCheckpoint.findMany({ orderBy: { seq: 'asc' } });
  const fromDatabase = rows.map((row) => ({ version: 1 as const, seq: String(row.seq), hash: row.hash, at: row.at.toISOString(), keyId: row.keyId, signature: row.signature }));
  const bySignature = new Map<string, SignedCheckpoint>();
  for (const checkpoint of [...fromFile.checkpoints, ...fromDatabase]) bySignature.set(checkpoint.signature, checkpoint);
  return {
    all: [...bySignature.values()],
    fileFound: fromFile.found,
    inFile: fromFile.checkpoints.length,
    inDatabase: fromDatabase.length,
    unreadableLines: fromFile.unreadableLines,
  };
}

/**
 * Signs the chain's current head and keeps the checkpoint in the file and the database. A chain that does not
 * verify is not signed (signing it would vouch for the tampering): the caller is told what is broken.
 */
export async function takeCheckpoint(
  db: Db,
  signer: AuditSigner,
  verifyFirst: () => Promise<{ breaks: Array<{ seq: string; problem: string }>; head: { seq: string; hash: string } | null }>,
  now = new Date(),
): Promise<SignedCheckpoint | null> {
  const report = await verifyFirst();
  // A checkpoint row that does not verify says nothing about the chain itself: it is reported by verification,
  // and must not let whoever can write one stop every later checkpoint.
  const breaks = report.breaks.filter((found) => found.problem !== 'forged_checkpoint');
  if (breaks.length > 0) {
    const first = breaks[0]!;
    throw new DomainError('conflict', `审计日志哈希链有 ${breaks.length} 处断裂（第一处在第 ${first.seq} 条，${first.problem}），不予签名 / the audit chain has ${breaks.length} break(s) (the first at entry ${first.seq}, ${first.problem}): not signed`);
  }
  if (!report.head) return null;
  const latest = await db.auditCheckpoint.findFirst({ where: { keyId: signer.keyId }, orderBy: { seq: 'desc' } });
  const checkpoint =
    latest && String(latest.seq) === report.head.seq && latest.hash === report.head.hash
      ? { version: 1 as const, seq: String(latest.seq), hash: latest.hash, at: latest.at.toISOString(), keyId: latest.keyId, signature: latest.signature }
      : signCheckpoint(signer, { ...report.head, at: now.toISOString() });
  // The file first: it is the copy the database's writers cannot reach. Appending a line again is harmless.
  const known = readCheckpointFile(signer.checkpointFile).checkpoints.some((line) => line.signature === checkpoint.signature);
  if (!known) {
    mkdirSync(path.dirname(signer.checkpointFile), { recursive: true });
    appendFileSync(signer.checkpointFile, `${JSON.stringify(checkpoint)}\n`, { mode: 0o644 });
  }
  await db.auditCheckpoint.upsert({
    where: { signature: checkpoint.signature },
    create: { seq: BigInt(checkpoint.seq), hash: checkpoint.hash, at: new Date(checkpoint.at), keyId: checkpoint.keyId, signature: checkpoint.signature },
    update: {},
  });
  return checkpoint;
}
