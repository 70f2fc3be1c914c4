-- CreateTable
CREATE TABLE "EntityStatusChange" (
    "id" UUID NOT NULL,
    "entityId" UUID NOT NULL,
    "fromStatus" "LegalStatus" NOT NULL,
    "toStatus" "LegalStatus" NOT NULL,
    "reason" TEXT,
    "changedBy" TEXT NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "EntityStatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EntityRiskFlag" (
    "id" UUID NOT NULL,
    "entityId" UUID NOT NULL,
    "flag" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "notedBy" TEXT NOT NULL,
    "notedAt" TIMESTAMPTZ(3) NOT NULL,
    "clearedAt" TIMESTAMPTZ(3),

    CONSTRAINT "EntityRiskFlag_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EntityStatusChange_entityId_changedAt_idx" ON "EntityStatusChange"("entityId", "changedAt");

-- CreateIndex
CREATE INDEX "EntityRiskFlag_entityId_idx" ON "EntityRiskFlag"("entityId");

-- AddForeignKey
ALTER TABLE "EntityStatusChange" ADD CONSTRAINT "EntityStatusChange_entityId_fkey" FOREIGN KEY ("entityId") REFERENCES "Entity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EntityRiskFlag" ADD CONSTRAINT "EntityRiskFlag_entityId_fkey" FOREIGN KEY ("entityId") REFERENCES "Entity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

