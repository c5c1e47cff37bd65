-- CreateTable
CREATE TABLE "Spec" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "projectId" TEXT NOT NULL,
    CONSTRAINT "Spec_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SpecVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "number" INTEGER NOT NULL,
    "contentHash" TEXT NOT NULL,
    "sourceKind" TEXT NOT NULL,
    "sourceName" TEXT NOT NULL DEFAULT '',
    "rawFormat" TEXT NOT NULL,
    "raw" BLOB NOT NULL,
    "rootFile" TEXT NOT NULL,
    "flavour" TEXT NOT NULL,
    "openapiVersion" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "apiVersion" TEXT NOT NULL DEFAULT '',
    "operationCount" INTEGER NOT NULL,
    "normalized" TEXT NOT NULL,
    "warnings" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "specId" TEXT NOT NULL,
    "createdById" TEXT,
    CONSTRAINT "SpecVersion_specId_fkey" FOREIGN KEY ("specId") REFERENCES "Spec" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SpecVersion_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Spec_projectId_name_key" ON "Spec"("projectId", "name");

-- CreateIndex
CREATE INDEX "SpecVersion_specId_contentHash_idx" ON "SpecVersion"("specId", "contentHash");

-- CreateIndex
CREATE UNIQUE INDEX "SpecVersion_specId_number_key" ON "SpecVersion"("specId", "number");
