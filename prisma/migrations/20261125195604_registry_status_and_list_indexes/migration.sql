-- AlterTable
ALTER TABLE "Registry" ADD COLUMN     "connectionChangedAt" TIMESTAMP(3),
ADD COLUMN     "retestClaimedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "AuditEvent_teamId_actorUserId_createdAt_idx" ON "AuditEvent"("teamId", "actorUserId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_teamId_actorTokenId_createdAt_idx" ON "AuditEvent"("teamId", "actorTokenId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_teamId_targetType_targetId_createdAt_idx" ON "AuditEvent"("teamId", "targetType", "targetId", "createdAt");

-- CreateIndex
CREATE INDEX "Registry_testStatus_lastTestedAt_idx" ON "Registry"("testStatus", "lastTestedAt");
