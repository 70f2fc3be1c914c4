-- CreateTable
CREATE TABLE "Draw" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "planId" TEXT,
    "status" TEXT NOT NULL,
    "rules" JSONB NOT NULL,
    "snapshot" JSONB NOT NULL,
    "snapshotHash" TEXT NOT NULL,
    "commitment" TEXT NOT NULL,
    "seed" TEXT NOT NULL,
    "outsideRandomness" TEXT,
    "algorithmVersion" TEXT NOT NULL,
    "result" JSONB,
    "caseIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "drawnBy" TEXT,
    "drawnAt" TIMESTAMPTZ(3),

    CONSTRAINT "Draw_pkey" PRIMARY KEY ("id")
);

