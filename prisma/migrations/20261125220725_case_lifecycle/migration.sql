-- AlterTable
ALTER TABLE "InspectionCase" ADD COLUMN     "creditPushedAt" TIMESTAMPTZ(3),
ADD COLUMN     "endReason" TEXT,
ADD COLUMN     "escalationLevel" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "planId" TEXT,
ADD COLUMN     "publishedAt" TIMESTAMPTZ(3),
ADD COLUMN     "rectificationDeadline" TIMESTAMPTZ(3),
ADD COLUMN     "resultCategory" TEXT,
ADD COLUMN     "revisitDueAt" TIMESTAMPTZ(3),
ADD COLUMN     "team" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "Officer" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "unit" TEXT,
    "gender" TEXT,
    "certificateNumber" TEXT NOT NULL,
    "certificateValidFrom" DATE,
    "certificateValidUntil" DATE NOT NULL,
    "certificateWithdrawn" BOOLEAN NOT NULL DEFAULT false,
    "specialties" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Officer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OfficerConflict" (
    "id" UUID NOT NULL,
    "officerId" UUID NOT NULL,
    "entityId" UUID NOT NULL,
    "relation" TEXT NOT NULL,
    "note" TEXT,
    "declaredBy" TEXT NOT NULL,
    "declaredAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OfficerConflict_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseRecord" (
    "id" BIGSERIAL NOT NULL,
    "caseId" UUID NOT NULL,
    "recordKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CaseRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Disposition" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Disposition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Publication" (
    "caseId" UUID NOT NULL,
    "entityName" TEXT NOT NULL,
    "entityUscc" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "publishedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Publication_pkey" PRIMARY KEY ("caseId")
);

-- CreateTable
CREATE TABLE "CreditPush" (
    "idempotencyKey" TEXT NOT NULL,
    "caseId" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "payload" JSONB NOT NULL,
    "pushedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CreditPush_pkey" PRIMARY KEY ("idempotencyKey")
);

-- CreateTable
CREATE TABLE "BlacklistEntry" (
    "id" UUID NOT NULL,
    "entityId" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "listedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BlacklistEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" BIGSERIAL NOT NULL,
    "recipient" TEXT NOT NULL,
    "notifyKey" TEXT NOT NULL,
    "caseId" UUID,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "readAt" TIMESTAMPTZ(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Officer_certificateNumber_key" ON "Officer"("certificateNumber");

-- CreateIndex
CREATE UNIQUE INDEX "OfficerConflict_officerId_entityId_key" ON "OfficerConflict"("officerId", "entityId");

-- CreateIndex
CREATE UNIQUE INDEX "CaseRecord_caseId_recordKey_key" ON "CaseRecord"("caseId", "recordKey");

-- CreateIndex
CREATE INDEX "Disposition_caseId_idx" ON "Disposition"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "BlacklistEntry_entityId_caseId_key" ON "BlacklistEntry"("entityId", "caseId");

-- CreateIndex
CREATE INDEX "Notification_recipient_createdAt_idx" ON "Notification"("recipient", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_notifyKey_recipient_key" ON "Notification"("notifyKey", "recipient");

-- CreateIndex
CREATE INDEX "InspectionCase_planId_idx" ON "InspectionCase"("planId");

-- CreateIndex
CREATE INDEX "InspectionCase_rectificationDeadline_idx" ON "InspectionCase"("rectificationDeadline");

-- AddForeignKey
ALTER TABLE "OfficerConflict" ADD CONSTRAINT "OfficerConflict_officerId_fkey" FOREIGN KEY ("officerId") REFERENCES "Officer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfficerConflict" ADD CONSTRAINT "OfficerConflict_entityId_fkey" FOREIGN KEY ("entityId") REFERENCES "Entity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseRecord" ADD CONSTRAINT "CaseRecord_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "InspectionCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Disposition" ADD CONSTRAINT "Disposition_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "InspectionCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Publication" ADD CONSTRAINT "Publication_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "InspectionCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CreditPush" ADD CONSTRAINT "CreditPush_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "InspectionCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BlacklistEntry" ADD CONSTRAINT "BlacklistEntry_entityId_fkey" FOREIGN KEY ("entityId") REFERENCES "Entity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

