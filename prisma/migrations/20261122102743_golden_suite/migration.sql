-- CreateTable
CREATE TABLE "Environment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT,
    "auth" TEXT,
    "allowPrivateNetwork" BOOLEAN NOT NULL DEFAULT false,
    "options" TEXT NOT NULL DEFAULT '{}',
    "webhookScheme" TEXT NOT NULL DEFAULT 'standard',
    "webhookHeader" TEXT,
    "webhookSecret" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "projectId" TEXT NOT NULL,
    "mockId" TEXT,
    CONSTRAINT "Environment_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Environment_mockId_fkey" FOREIGN KEY ("mockId") REFERENCES "Mock" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PartnerCredential" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "auth" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "environmentId" TEXT NOT NULL,
    "partnerProjectId" TEXT NOT NULL,
    CONSTRAINT "PartnerCredential_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PartnerCredential_partnerProjectId_fkey" FOREIGN KEY ("partnerProjectId") REFERENCES "PartnerProject" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TestProfileEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "group" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "updatedById" TEXT,
    "projectId" TEXT NOT NULL,
    CONSTRAINT "TestProfileEntry_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "categories" TEXT NOT NULL DEFAULT '[]',
    "profile" TEXT NOT NULL DEFAULT '{}',
    "counts" TEXT NOT NULL DEFAULT '{}',
    "caseTotal" INTEGER NOT NULL DEFAULT 0,
    "generatorVersion" INTEGER NOT NULL DEFAULT 1,
    "environmentLabel" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "cancelRequestedAt" DATETIME,
    "createdById" TEXT,
    "projectId" TEXT NOT NULL,
    "specVersionId" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "partnerProjectId" TEXT,
    CONSTRAINT "Run_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Run_specVersionId_fkey" FOREIGN KEY ("specVersionId") REFERENCES "SpecVersion" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Run_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Run_partnerProjectId_fkey" FOREIGN KEY ("partnerProjectId") REFERENCES "PartnerProject" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RunCase" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "seq" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "operationId" TEXT NOT NULL DEFAULT '',
    "group" TEXT NOT NULL DEFAULT '',
    "title" TEXT NOT NULL,
    "level" TEXT NOT NULL DEFAULT 'required',
    "verdict" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "durationMs" INTEGER,
    "exchanges" TEXT NOT NULL DEFAULT '[]',
    "assertions" TEXT NOT NULL DEFAULT '[]',
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "runId" TEXT NOT NULL,
    CONSTRAINT "RunCase_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RunEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "type" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "runId" TEXT NOT NULL,
    CONSTRAINT "RunEvent_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 1,
    "runAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseExpiresAt" DATETIME,
    "lockedBy" TEXT,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "WebhookReceipt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "headers" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "signed" BOOLEAN NOT NULL,
    "verified" BOOLEAN NOT NULL,
    "verifyReason" TEXT,
    "eventName" TEXT,
    "valid" BOOLEAN,
    "violations" TEXT NOT NULL DEFAULT '[]',
    "environmentId" TEXT NOT NULL,
    CONSTRAINT "WebhookReceipt_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PartnerProject" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "projectId" TEXT NOT NULL,
    "testConfig" TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT "PartnerProject_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_PartnerProject" ("createdAt", "id", "name", "projectId", "slug", "updatedAt") SELECT "createdAt", "id", "name", "projectId", "slug", "updatedAt" FROM "PartnerProject";
DROP TABLE "PartnerProject";
ALTER TABLE "new_PartnerProject" RENAME TO "PartnerProject";
CREATE UNIQUE INDEX "PartnerProject_projectId_slug_key" ON "PartnerProject"("projectId", "slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Environment_projectId_idx" ON "Environment"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "Environment_projectId_name_key" ON "Environment"("projectId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerCredential_environmentId_partnerProjectId_key" ON "PartnerCredential"("environmentId", "partnerProjectId");

-- CreateIndex
CREATE UNIQUE INDEX "TestProfileEntry_projectId_group_category_key" ON "TestProfileEntry"("projectId", "group", "category");

-- CreateIndex
CREATE INDEX "Run_projectId_createdAt_idx" ON "Run"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "Run_environmentId_createdAt_idx" ON "Run"("environmentId", "createdAt");

-- CreateIndex
CREATE INDEX "RunCase_runId_verdict_idx" ON "RunCase"("runId", "verdict");

-- CreateIndex
CREATE INDEX "RunCase_key_idx" ON "RunCase"("key");

-- CreateIndex
CREATE UNIQUE INDEX "RunCase_runId_seq_key" ON "RunCase"("runId", "seq");

-- CreateIndex
CREATE INDEX "RunEvent_runId_id_idx" ON "RunEvent"("runId", "id");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE INDEX "WebhookReceipt_environmentId_receivedAt_idx" ON "WebhookReceipt"("environmentId", "receivedAt");
