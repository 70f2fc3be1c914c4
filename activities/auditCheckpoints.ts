import type { Db } from '../db/client';
import { DomainError } from '../domain/errors';
import { verifyAudit } from '../services/audit';
import { takeCheckpoint, type AuditSigner, type SignedCheckpoint } from '../services/auditCheckpoints';

export function auditCheckpointActivities(db: Db, signer: AuditSigner | undefined) {
  return {
    async takeAuditCheckpoint(): Promise<SignedCheckpoint | null> {
      if (!signer) {
        throw new DomainError('conflict', '工作进程未配置审计签名密钥（AUDIT_SIGNING_KEY 或 AUDIT_SIGNING_KEY_FILE）/ the worker has no audit signing key (AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE)');
      }
      return takeCheckpoint(db, signer, () => verifyAudit(db, { verifyingKey: signer, checkpointFile: signer.checkpointFile }));
    },
  };
}
