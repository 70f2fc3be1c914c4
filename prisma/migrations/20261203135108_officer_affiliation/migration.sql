-- AlterTable
ALTER TABLE "Officer" ADD COLUMN     "affiliation" TEXT,
ADD COLUMN     "post" TEXT;

-- AlterTable
ALTER TABLE "OfficerPosting" ADD COLUMN     "fromAffiliation" TEXT,
ADD COLUMN     "fromPost" TEXT,
ADD COLUMN     "toAffiliation" TEXT,
ADD COLUMN     "toPost" TEXT,
ALTER COLUMN "toUnit" DROP NOT NULL;

