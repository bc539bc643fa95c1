-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "licenseHash" TEXT NOT NULL,
    "encryptedLicense" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PullEvent" (
    "id" BIGSERIAL NOT NULL,
    "teamId" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "customerId" TEXT,
    "registryId" TEXT,
    "action" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "repository" TEXT,
    "reference" TEXT,
    "digest" TEXT,
    "status" INTEGER NOT NULL,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "durationMs" INTEGER NOT NULL,
    "upstreamStatus" INTEGER,
    "clientAddress" TEXT,
    "userAgent" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PullEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Customer_licenseHash_key" ON "Customer"("licenseHash");

-- CreateIndex
CREATE INDEX "Customer_teamId_applicationId_idx" ON "Customer"("teamId", "applicationId");

-- CreateIndex
CREATE INDEX "PullEvent_teamId_applicationId_createdAt_idx" ON "PullEvent"("teamId", "applicationId", "createdAt");

-- CreateIndex
CREATE INDEX "PullEvent_teamId_customerId_createdAt_idx" ON "PullEvent"("teamId", "customerId", "createdAt");

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;
