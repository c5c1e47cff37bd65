/** The JSON shapes of runs and environments in /api/v1 (one place, so pages and CI agree). */
import { db } from '../db.server'
import { countsOf, getRun } from './runs.server'

export async function runJson(projectId: string, runId: string) {
  const run = await getRun(projectId, runId)
  const cases = await db.runCase.findMany({
    where: { runId: run.id },
    orderBy: { seq: 'asc' },
    select: {
      id: true,
      seq: true,
      key: true,
      title: true,
      templateId: true,
      category: true,
      operationId: true,
      level: true,
      verdict: true,
      reason: true,
      assertions: true,
      durationMs: true,
    },
  })
  return {
    id: run.id,
    status: run.status,
    spec: {
      id: run.specVersion.specId,
      name: run.specVersion.spec.name,
      version: run.specVersion.number,
    },
    environment: { id: run.environment.id, name: run.environment.name, kind: run.environment.kind },
    partnerProjectId: run.partnerProjectId,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    error: run.error,
    counts: countsOf(run),
    cases: cases.map((entry) => ({
      ...entry,
      assertions: JSON.parse(entry.assertions) as unknown[],
    })),
  }
}
