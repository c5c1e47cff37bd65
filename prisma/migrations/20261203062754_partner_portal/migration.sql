-- CreateTable
CREATE TABLE "AccessRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "companyName" TEXT NOT NULL,
    "contactName" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "ip" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" DATETIME,
    "decidedById" TEXT,
    "partnerProjectId" TEXT,
    "projectId" TEXT NOT NULL,
    CONSTRAINT "AccessRequest_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ResourceShare" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "projectId" TEXT NOT NULL,
    "partnerProjectId" TEXT NOT NULL,
    CONSTRAINT "ResourceShare_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ResourceShare_partnerProjectId_fkey" FOREIGN KEY ("partnerProjectId") REFERENCES "PartnerProject" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlaygroundRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "specId" TEXT NOT NULL,
    "operationId" TEXT NOT NULL,
    "environmentId" TEXT,
    "request" TEXT NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "partnerProjectId" TEXT,
    CONSTRAINT "PlaygroundRequest_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PlaygroundRequest_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PlaygroundRequest_partnerProjectId_fkey" FOREIGN KEY ("partnerProjectId") REFERENCES "PartnerProject" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Annotation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "type" TEXT NOT NULL,
    "operationId" TEXT NOT NULL,
    "fieldPath" TEXT NOT NULL DEFAULT '',
    "body" TEXT NOT NULL,
    "orphanedAt" DATETIME,
    "orphanedVersion" INTEGER,
    "createdById" TEXT,
    "updatedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "specId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    CONSTRAINT "Annotation_specId_fkey" FOREIGN KEY ("specId") REFERENCES "Spec" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Annotation_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Mock" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "desiredState" TEXT NOT NULL DEFAULT 'running',
    "status" TEXT NOT NULL DEFAULT 'stopped',
    "port" INTEGER,
    "config" TEXT NOT NULL DEFAULT '{}',
    "lastError" TEXT,
    "startedAt" DATETIME,
    "lastRequestAt" DATETIME,
    "requestCount" INTEGER NOT NULL DEFAULT 0,
    "restartCount" INTEGER NOT NULL DEFAULT 0,
    "visibility" TEXT NOT NULL DEFAULT 'all',
    "webhookTargetUrl" TEXT,
    "webhookSecret" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "projectId" TEXT NOT NULL,
    "specVersionId" TEXT NOT NULL,
    CONSTRAINT "Mock_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Mock_specVersionId_fkey" FOREIGN KEY ("specVersionId") REFERENCES "SpecVersion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Mock" ("config", "createdAt", "desiredState", "id", "lastError", "lastRequestAt", "port", "projectId", "requestCount", "restartCount", "specVersionId", "startedAt", "status", "updatedAt", "webhookSecret", "webhookTargetUrl") SELECT "config", "createdAt", "desiredState", "id", "lastError", "lastRequestAt", "port", "projectId", "requestCount", "restartCount", "specVersionId", "startedAt", "status", "updatedAt", "webhookSecret", "webhookTargetUrl" FROM "Mock";
DROP TABLE "Mock";
ALTER TABLE "new_Mock" RENAME TO "Mock";
CREATE INDEX "Mock_projectId_idx" ON "Mock"("projectId");
CREATE TABLE "new_Project" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "archivedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "organizationId" TEXT NOT NULL,
    "selfRegistration" BOOLEAN NOT NULL DEFAULT false,
    "reportSchedule" TEXT NOT NULL DEFAULT 'off',
    "reportNextAt" DATETIME,
    CONSTRAINT "Project_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Project" ("archivedAt", "createdAt", "description", "id", "name", "organizationId", "reportNextAt", "reportSchedule", "updatedAt") SELECT "archivedAt", "createdAt", "description", "id", "name", "organizationId", "reportNextAt", "reportSchedule", "updatedAt" FROM "Project";
DROP TABLE "Project";
ALTER TABLE "new_Project" RENAME TO "Project";
CREATE INDEX "Project_organizationId_idx" ON "Project"("organizationId");
CREATE TABLE "new_Spec" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "projectId" TEXT NOT NULL,
    "visibility" TEXT NOT NULL DEFAULT 'all',
    "suiteVisibility" TEXT NOT NULL DEFAULT 'all',
    CONSTRAINT "Spec_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Spec" ("createdAt", "id", "name", "projectId", "updatedAt") SELECT "createdAt", "id", "name", "projectId", "updatedAt" FROM "Spec";
DROP TABLE "Spec";
ALTER TABLE "new_Spec" RENAME TO "Spec";
CREATE UNIQUE INDEX "Spec_projectId_name_key" ON "Spec"("projectId", "name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AccessRequest_projectId_status_createdAt_idx" ON "AccessRequest"("projectId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "ResourceShare_projectId_resourceType_resourceId_idx" ON "ResourceShare"("projectId", "resourceType", "resourceId");

-- CreateIndex
CREATE INDEX "ResourceShare_partnerProjectId_idx" ON "ResourceShare"("partnerProjectId");

-- CreateIndex
CREATE UNIQUE INDEX "ResourceShare_resourceType_resourceId_partnerProjectId_key" ON "ResourceShare"("resourceType", "resourceId", "partnerProjectId");

-- CreateIndex
CREATE INDEX "PlaygroundRequest_userId_projectId_kind_createdAt_idx" ON "PlaygroundRequest"("userId", "projectId", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "Annotation_specId_operationId_idx" ON "Annotation"("specId", "operationId");

-- CreateIndex
CREATE INDEX "Annotation_projectId_idx" ON "Annotation"("projectId");
