-- Sessions that notice theft (R18): the sessions one sign-in rotates through share a family, revoked together
-- when a spent refresh token comes back.
ALTER TABLE "Session" ADD COLUMN "familyId" UUID;
UPDATE "Session" SET "familyId" = "id";
ALTER TABLE "Session" ALTER COLUMN "familyId" SET NOT NULL;
CREATE INDEX "Session_familyId_idx" ON "Session"("familyId");

-- Accounts: a password given by someone else (the first admin password, a reset) is to be changed by its user.
ALTER TABLE "User" ADD COLUMN "mustChangePassword" BOOLEAN NOT NULL DEFAULT false;

-- Counters shared by every API process: anonymous requests per address, failed sign-ins per user and address
-- (the PostgreSQL store of rate-limiter-flexible, expire in epoch milliseconds).
CREATE TABLE "RateLimit" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

-- Signed checkpoints of the head of the audit chain (R20), a copy of the checkpoint file for API processes elsewhere.
CREATE TABLE "AuditCheckpoint" (
    "id" BIGSERIAL NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "AuditCheckpoint_signature_key" ON "AuditCheckpoint"("signature");
CREATE INDEX "AuditCheckpoint_seq_idx" ON "AuditCheckpoint"("seq");
