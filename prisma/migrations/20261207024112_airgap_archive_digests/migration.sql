-- CreateTable
CREATE TABLE "AirGapArchiveDigest" (
    "teamId" TEXT NOT NULL,
    "planKey" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AirGapArchiveDigest_pkey" PRIMARY KEY ("teamId","planKey")
);

-- AddForeignKey
ALTER TABLE "AirGapArchiveDigest" ADD CONSTRAINT "AirGapArchiveDigest_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
