-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "LegalStatus" AS ENUM ('operating', 'deregistered', 'revoked', 'moved_out');

-- CreateEnum
CREATE TYPE "CaseOrigin" AS ENUM ('random', 'complaint', 'reinspection', 'ordered');

-- CreateTable
CREATE TABLE "Entity" (
    "id" UUID NOT NULL,
    "uscc" CHAR(18) NOT NULL,
    "name" TEXT NOT NULL,
    "legalRepresentative" TEXT,
    "address" TEXT,
    "street" TEXT,
    "category" TEXT,
    "legalStatus" "LegalStatus" NOT NULL DEFAULT 'operating',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Entity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InspectionCase" (
    "id" UUID NOT NULL,
    "workflowId" TEXT NOT NULL,
    "entityId" UUID NOT NULL,
    "origin" "CaseOrigin" NOT NULL,
    "originReason" TEXT,
    "status" TEXT NOT NULL,
    "openedBy" TEXT NOT NULL,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "InspectionCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseEvent" (
    "id" BIGSERIAL NOT NULL,
    "caseId" UUID NOT NULL,
    "eventKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CaseEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Entity_uscc_key" ON "Entity"("uscc");

-- CreateIndex
CREATE UNIQUE INDEX "InspectionCase_workflowId_key" ON "InspectionCase"("workflowId");

-- CreateIndex
CREATE INDEX "InspectionCase_status_idx" ON "InspectionCase"("status");

-- CreateIndex
CREATE INDEX "InspectionCase_entityId_idx" ON "InspectionCase"("entityId");

-- CreateIndex
CREATE INDEX "CaseEvent_caseId_at_idx" ON "CaseEvent"("caseId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "CaseEvent_caseId_eventKey_key" ON "CaseEvent"("caseId", "eventKey");

-- AddForeignKey
ALTER TABLE "InspectionCase" ADD CONSTRAINT "InspectionCase_entityId_fkey" FOREIGN KEY ("entityId") REFERENCES "Entity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseEvent" ADD CONSTRAINT "CaseEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "InspectionCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

