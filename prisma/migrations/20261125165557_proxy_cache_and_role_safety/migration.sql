-- AlterTable
ALTER TABLE "Registry" ADD COLUMN     "negativeCheckPassedAt" TIMESTAMP(3),
ADD COLUMN     "negativeCheckRoleArn" TEXT;

-- CreateTable
CREATE TABLE "ProxyManifest" (
    "registryId" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "body" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastServedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProxyManifest_pkey" PRIMARY KEY ("registryId","repository","digest")
);

-- CreateTable
CREATE TABLE "ProxyTagDigest" (
    "registryId" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProxyTagDigest_pkey" PRIMARY KEY ("registryId","repository","tag")
);

-- CreateIndex
CREATE INDEX "ProxyManifest_teamId_lastServedAt_idx" ON "ProxyManifest"("teamId", "lastServedAt");

-- AddForeignKey
ALTER TABLE "ProxyManifest" ADD CONSTRAINT "ProxyManifest_registryId_fkey" FOREIGN KEY ("registryId") REFERENCES "Registry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProxyTagDigest" ADD CONSTRAINT "ProxyTagDigest_registryId_fkey" FOREIGN KEY ("registryId") REFERENCES "Registry"("id") ON DELETE CASCADE ON UPDATE CASCADE;
