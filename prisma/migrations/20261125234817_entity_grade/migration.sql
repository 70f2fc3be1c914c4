-- AlterTable
ALTER TABLE "Entity" ADD COLUMN     "grade" TEXT,
ADD COLUMN     "riskLevel" TEXT;

