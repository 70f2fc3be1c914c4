-- CreateTable
CREATE TABLE "InspectionItem" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "legalBasis" TEXT NOT NULL,
    "categories" TEXT[],
    "kind" TEXT NOT NULL DEFAULT 'general',
    "method" TEXT NOT NULL DEFAULT 'on_site',
    "requiredSpecialty" TEXT,
    "sampleRatio" DOUBLE PRECISION,
    "yearlyFrequency" INTEGER,
    "defaultRectificationDays" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InspectionItem_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Plan" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "periodStart" DATE NOT NULL,
    "periodEnd" DATE NOT NULL,
    "itemCodes" TEXT[],
    "scope" JSONB NOT NULL,
    "targetCount" INTEGER NOT NULL,
    "teamSize" INTEGER NOT NULL,
    "rectificationDays" INTEGER,
    "jointDepartments" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "owner" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "drawAt" TIMESTAMPTZ(3),
    "drawId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Plan_number_key" ON "Plan"("number");

