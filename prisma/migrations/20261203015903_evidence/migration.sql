-- AlterTable
ALTER TABLE "PartnerProject" ADD COLUMN "planSeededAt" DATETIME;
ALTER TABLE "PartnerProject" ADD COLUMN "traceSecret" TEXT;
ALTER TABLE "PartnerProject" ADD COLUMN "traceSecretPrev" TEXT;
ALTER TABLE "PartnerProject" ADD COLUMN "traceSecretPrevUntil" DATETIME;
ALTER TABLE "PartnerProject" ADD COLUMN "traceSecretRotatedAt" DATETIME;

-- CreateTable
CREATE TABLE "Trace" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "occurredAt" DATETIME NOT NULL,
    "durationMs" INTEGER,
    "method" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "operationKey" TEXT NOT NULL DEFAULT '',
    "status" INTEGER NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'api',
    "verified" BOOLEAN NOT NULL DEFAULT false,
    "valid" BOOLEAN NOT NULL DEFAULT false,
    "violations" TEXT NOT NULL DEFAULT '[]',
    "request" TEXT NOT NULL,
    "response" TEXT NOT NULL,
    "specVersionId" TEXT,
    "projectId" TEXT NOT NULL,
    "partnerProjectId" TEXT NOT NULL,
    CONSTRAINT "Trace_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Trace_partnerProjectId_fkey" FOREIGN KEY ("partnerProjectId") REFERENCES "PartnerProject" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TraceRefusal" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT NOT NULL,
    "ip" TEXT NOT NULL DEFAULT '',
    "bytes" INTEGER NOT NULL DEFAULT 0,
    "projectId" TEXT NOT NULL,
    "partnerProjectId" TEXT NOT NULL,
    CONSTRAINT "TraceRefusal_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TraceRefusal_partnerProjectId_fkey" FOREIGN KEY ("partnerProjectId") REFERENCES "PartnerProject" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TraceSignature" (
    "signature" TEXT NOT NULL PRIMARY KEY,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "EvidenceEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "refId" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "hash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "partnerProjectId" TEXT NOT NULL,
    CONSTRAINT "EvidenceEntry_partnerProjectId_fkey" FOREIGN KEY ("partnerProjectId") REFERENCES "PartnerProject" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EvidenceFile" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "storagePath" TEXT NOT NULL,
    "phase" TEXT,
    "uploaderKind" TEXT NOT NULL,
    "uploadedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "partnerProjectId" TEXT NOT NULL,
    "planItemId" TEXT,
    CONSTRAINT "EvidenceFile_partnerProjectId_fkey" FOREIGN KEY ("partnerProjectId") REFERENCES "PartnerProject" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "EvidenceFile_planItemId_fkey" FOREIGN KEY ("planItemId") REFERENCES "PlanItem" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlanItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "phase" TEXT NOT NULL,
    "key" TEXT,
    "position" INTEGER NOT NULL DEFAULT 0,
    "title" TEXT NOT NULL,
    "required" BOOLEAN NOT NULL DEFAULT true,
    "status" TEXT NOT NULL DEFAULT 'open',
    "ownerName" TEXT NOT NULL DEFAULT '',
    "dueDate" DATETIME,
    "rule" TEXT,
    "ruleMet" BOOLEAN,
    "ruleReason" TEXT,
    "linkedCases" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "closedAt" DATETIME,
    "partnerProjectId" TEXT NOT NULL,
    CONSTRAINT "PlanItem_partnerProjectId_fkey" FOREIGN KEY ("partnerProjectId") REFERENCES "PartnerProject" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlanNote" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "body" TEXT NOT NULL,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "authorName" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "planItemId" TEXT NOT NULL,
    CONSTRAINT "PlanNote_planItemId_fkey" FOREIGN KEY ("planItemId") REFERENCES "PlanItem" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReportSnapshot" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "verdict" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "chainSeq" INTEGER NOT NULL DEFAULT 0,
    "chainHash" TEXT NOT NULL DEFAULT '',
    "pdfStatus" TEXT NOT NULL DEFAULT 'none',
    "pdfPath" TEXT,
    "pdfError" TEXT,
    "createdById" TEXT,
    "partnerProjectId" TEXT NOT NULL,
    CONSTRAINT "ReportSnapshot_partnerProjectId_fkey" FOREIGN KEY ("partnerProjectId") REFERENCES "PartnerProject" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Project" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "archivedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "organizationId" TEXT NOT NULL,
    "reportSchedule" TEXT NOT NULL DEFAULT 'off',
    "reportNextAt" DATETIME,
    CONSTRAINT "Project_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Project" ("archivedAt", "createdAt", "description", "id", "name", "organizationId", "updatedAt") SELECT "archivedAt", "createdAt", "description", "id", "name", "organizationId", "updatedAt" FROM "Project";
DROP TABLE "Project";
ALTER TABLE "new_Project" RENAME TO "Project";
CREATE INDEX "Project_organizationId_idx" ON "Project"("organizationId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Trace_partnerProjectId_receivedAt_id_idx" ON "Trace"("partnerProjectId", "receivedAt", "id");

-- CreateIndex
CREATE INDEX "Trace_projectId_receivedAt_id_idx" ON "Trace"("projectId", "receivedAt", "id");

-- CreateIndex
CREATE INDEX "Trace_projectId_operationKey_partnerProjectId_valid_verified_idx" ON "Trace"("projectId", "operationKey", "partnerProjectId", "valid", "verified");

-- CreateIndex
CREATE INDEX "TraceRefusal_projectId_at_idx" ON "TraceRefusal"("projectId", "at");

-- CreateIndex
CREATE INDEX "TraceSignature_receivedAt_idx" ON "TraceSignature"("receivedAt");

-- CreateIndex
CREATE INDEX "EvidenceEntry_kind_refId_idx" ON "EvidenceEntry"("kind", "refId");

-- CreateIndex
CREATE UNIQUE INDEX "EvidenceEntry_partnerProjectId_seq_key" ON "EvidenceEntry"("partnerProjectId", "seq");

-- CreateIndex
CREATE INDEX "EvidenceFile_partnerProjectId_createdAt_idx" ON "EvidenceFile"("partnerProjectId", "createdAt");

-- CreateIndex
CREATE INDEX "PlanItem_partnerProjectId_phase_position_idx" ON "PlanItem"("partnerProjectId", "phase", "position");

-- CreateIndex
CREATE UNIQUE INDEX "PlanItem_partnerProjectId_key_key" ON "PlanItem"("partnerProjectId", "key");

-- CreateIndex
CREATE INDEX "PlanNote_planItemId_createdAt_idx" ON "PlanNote"("planItemId", "createdAt");

-- CreateIndex
CREATE INDEX "ReportSnapshot_partnerProjectId_createdAt_idx" ON "ReportSnapshot"("partnerProjectId", "createdAt");
