-- CreateTable
CREATE TABLE "DomainEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "type" TEXT NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "dedupeKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "partnerProjectId" TEXT,
    "projectId" TEXT NOT NULL,
    CONSTRAINT "DomainEvent_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Connector" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "events" TEXT NOT NULL DEFAULT '[]',
    "config" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "projectId" TEXT NOT NULL,
    CONSTRAINT "Connector_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ConnectorDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" TEXT NOT NULL DEFAULT '[]',
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "deliveredAt" DATETIME,
    "eventId" TEXT NOT NULL,
    "connectorId" TEXT NOT NULL,
    CONSTRAINT "ConnectorDelivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "DomainEvent" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ConnectorDelivery_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "JiraIssue" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "caseKey" TEXT NOT NULL,
    "partnerProjectId" TEXT NOT NULL DEFAULT '',
    "runCaseId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "projectId" TEXT NOT NULL,
    CONSTRAINT "JiraIssue_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "VersionImpact" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "specVersionId" TEXT NOT NULL,
    "computedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changes" TEXT NOT NULL DEFAULT '[]',
    "projectId" TEXT NOT NULL,
    CONSTRAINT "VersionImpact_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PartnerNotice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "link" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" DATETIME,
    "partnerProjectId" TEXT NOT NULL,
    CONSTRAINT "PartnerNotice_partnerProjectId_fkey" FOREIGN KEY ("partnerProjectId") REFERENCES "PartnerProject" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Spec" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "projectId" TEXT NOT NULL,
    "visibility" TEXT NOT NULL DEFAULT 'all',
    "suiteVisibility" TEXT NOT NULL DEFAULT 'all',
    "sourceUrl" TEXT,
    "inboundScheme" TEXT NOT NULL DEFAULT 'github',
    "inboundSecret" TEXT,
    "runOnNewVersion" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Spec_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Spec" ("createdAt", "id", "name", "projectId", "suiteVisibility", "updatedAt", "visibility") SELECT "createdAt", "id", "name", "projectId", "suiteVisibility", "updatedAt", "visibility" FROM "Spec";
DROP TABLE "Spec";
ALTER TABLE "new_Spec" RENAME TO "Spec";
CREATE UNIQUE INDEX "Spec_projectId_name_key" ON "Spec"("projectId", "name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "DomainEvent_dedupeKey_key" ON "DomainEvent"("dedupeKey");

-- CreateIndex
CREATE INDEX "DomainEvent_projectId_createdAt_idx" ON "DomainEvent"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "Connector_projectId_kind_idx" ON "Connector"("projectId", "kind");

-- CreateIndex
CREATE INDEX "ConnectorDelivery_connectorId_createdAt_idx" ON "ConnectorDelivery"("connectorId", "createdAt");

-- CreateIndex
CREATE INDEX "ConnectorDelivery_status_createdAt_idx" ON "ConnectorDelivery"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ConnectorDelivery_eventId_connectorId_key" ON "ConnectorDelivery"("eventId", "connectorId");

-- CreateIndex
CREATE UNIQUE INDEX "JiraIssue_projectId_caseKey_partnerProjectId_key" ON "JiraIssue"("projectId", "caseKey", "partnerProjectId");

-- CreateIndex
CREATE UNIQUE INDEX "VersionImpact_specVersionId_key" ON "VersionImpact"("specVersionId");

-- CreateIndex
CREATE INDEX "PartnerNotice_partnerProjectId_createdAt_idx" ON "PartnerNotice"("partnerProjectId", "createdAt");
