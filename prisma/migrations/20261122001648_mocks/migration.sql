-- CreateTable
CREATE TABLE "Mock" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "projectId" TEXT NOT NULL,
    "specVersionId" TEXT NOT NULL,
    CONSTRAINT "Mock_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Mock_specVersionId_fkey" FOREIGN KEY ("specVersionId") REFERENCES "SpecVersion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MockRequestLog" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "operationId" TEXT NOT NULL DEFAULT '',
    "violations" TEXT NOT NULL DEFAULT '[]',
    "request" TEXT NOT NULL,
    "response" TEXT NOT NULL,
    "mockId" TEXT NOT NULL,
    CONSTRAINT "MockRequestLog_mockId_fkey" FOREIGN KEY ("mockId") REFERENCES "Mock" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Mock_projectId_idx" ON "Mock"("projectId");

-- CreateIndex
CREATE INDEX "MockRequestLog_mockId_at_idx" ON "MockRequestLog"("mockId", "at");
