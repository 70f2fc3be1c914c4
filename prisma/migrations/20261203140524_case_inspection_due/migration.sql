-- AlterTable
ALTER TABLE "InspectionCase" ADD COLUMN     "inspectionDueAt" TIMESTAMPTZ(3);

