-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "customerPageEnabled" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "allImages" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "imageRules" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "Channel" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "rules" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Channel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerChannel" (
    "customerId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,

    CONSTRAINT "CustomerChannel_pkey" PRIMARY KEY ("customerId","channelId")
);

-- CreateTable
CREATE TABLE "EntitlementReach" (
    "customerId" TEXT NOT NULL,
    "registryId" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EntitlementReach_pkey" PRIMARY KEY ("customerId","registryId","repository","digest")
);

-- CreateIndex
CREATE INDEX "Channel_teamId_applicationId_idx" ON "Channel"("teamId", "applicationId");

-- CreateIndex
CREATE UNIQUE INDEX "Channel_applicationId_name_key" ON "Channel"("applicationId", "name");

-- CreateIndex
CREATE INDEX "CustomerChannel_channelId_idx" ON "CustomerChannel"("channelId");

-- CreateIndex
CREATE INDEX "EntitlementReach_expiresAt_idx" ON "EntitlementReach"("expiresAt");

-- AddForeignKey
ALTER TABLE "Channel" ADD CONSTRAINT "Channel_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerChannel" ADD CONSTRAINT "CustomerChannel_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerChannel" ADD CONSTRAINT "CustomerChannel_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;
