-- CreateTable
CREATE TABLE "OfficerPosting" (
    "id" UUID NOT NULL,
    "officerId" UUID NOT NULL,
    "fromUnit" TEXT,
    "toUnit" TEXT NOT NULL,
    "reason" TEXT,
    "changedBy" TEXT NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OfficerPosting_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OfficerPosting_officerId_changedAt_idx" ON "OfficerPosting"("officerId", "changedAt");

-- AddForeignKey
ALTER TABLE "OfficerPosting" ADD CONSTRAINT "OfficerPosting_officerId_fkey" FOREIGN KEY ("officerId") REFERENCES "Officer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

