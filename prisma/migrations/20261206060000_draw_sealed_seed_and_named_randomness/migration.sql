-- The seed of a draw is sealed until the run (issue 17): the clear column becomes nullable and is filled only at
-- the reveal. Draws committed before this keep their clear seed, which the run still uses.
ALTER TABLE "Draw" ALTER COLUMN "seed" DROP NOT NULL;
ALTER TABLE "Draw" ADD COLUMN "sealedSeed" TEXT;
ALTER TABLE "Draw" ADD COLUMN "drawAt" TIMESTAMPTZ(3);
ALTER TABLE "Draw" ADD COLUMN "randomnessSource" JSONB;

-- The result as exact JSON text: the text form of jsonb keeps every digit PostgreSQL stored.
ALTER TABLE "Draw" ALTER COLUMN "result" TYPE TEXT USING "result"::text;
