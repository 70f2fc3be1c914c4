-- AlterTable
ALTER TABLE "InspectionItem" ADD COLUMN     "notice" TEXT NOT NULL DEFAULT 'in_advance',
ADD COLUMN     "preparation" TEXT;

