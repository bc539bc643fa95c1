-- CreateTable
CREATE TABLE "OidcKeyEvent" (
    "id" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OidcKeyEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OidcKeyEvent_createdAt_idx" ON "OidcKeyEvent"("createdAt");

-- CreateIndex
CREATE INDEX "OidcKeyEvent_kid_action_idx" ON "OidcKeyEvent"("kid", "action");
