-- A draw's frozen pool is stored once, as its canonical JSON in compressed parts, no longer as jsonb in the Draw row.
-- Rows committed before keep their jsonb snapshot, which the readers still take (activities/drawSnapshots.ts).

-- AlterTable
ALTER TABLE "Draw" ALTER COLUMN "snapshot" DROP NOT NULL;

-- CreateTable
CREATE TABLE "DrawSnapshot" (
    "drawId" UUID NOT NULL,
    "format" TEXT NOT NULL,
    "headParts" INTEGER NOT NULL,
    "targets" INTEGER NOT NULL,
    "officers" INTEGER NOT NULL,
    "conflicts" INTEGER NOT NULL,
    "bytes" BIGINT NOT NULL,

    CONSTRAINT "DrawSnapshot_pkey" PRIMARY KEY ("drawId")
);

-- CreateTable
CREATE TABLE "DrawSnapshotPart" (
    "drawId" UUID NOT NULL,
    "part" INTEGER NOT NULL,
    "bytes" BYTEA NOT NULL,

    CONSTRAINT "DrawSnapshotPart_pkey" PRIMARY KEY ("drawId","part")
);

-- The parts are compressed already: PostgreSQL need not try again.
ALTER TABLE "DrawSnapshotPart" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;

-- AddForeignKey
ALTER TABLE "DrawSnapshot" ADD CONSTRAINT "DrawSnapshot_drawId_fkey" FOREIGN KEY ("drawId") REFERENCES "Draw"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DrawSnapshotPart" ADD CONSTRAINT "DrawSnapshotPart_drawId_fkey" FOREIGN KEY ("drawId") REFERENCES "DrawSnapshot"("drawId") ON DELETE CASCADE ON UPDATE CASCADE;
