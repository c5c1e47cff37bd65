-- AlterTable
ALTER TABLE "Mock" ADD COLUMN "webhookSecret" TEXT;
ALTER TABLE "Mock" ADD COLUMN "webhookTargetUrl" TEXT;

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "event" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "mockId" TEXT NOT NULL,
    CONSTRAINT "WebhookDelivery_mockId_fkey" FOREIGN KEY ("mockId") REFERENCES "Mock" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "WebhookDelivery_mockId_createdAt_idx" ON "WebhookDelivery"("mockId", "createdAt");
