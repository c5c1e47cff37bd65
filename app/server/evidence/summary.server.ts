/** What a partner project's evidence record holds: counts by kind, the head, the latest entries. */
import { db } from '../db.server'
import type { EvidenceKind } from './records.server'

export async function evidenceSummary(partnerProjectId: string, latest = 20) {
  const [counts, entries] = await Promise.all([
    db.evidenceEntry.groupBy({
      by: ['kind'],
      where: { partnerProjectId },
      _count: { _all: true },
    }),
    db.evidenceEntry.findMany({
      where: { partnerProjectId },
      orderBy: { seq: 'desc' },
      take: latest,
      select: { seq: true, kind: true, refId: true, label: true, hash: true, createdAt: true },
    }),
  ])
  const byKind: Record<EvidenceKind, number> = { trace: 0, run: 0, file: 0 }
  for (const row of counts) byKind[row.kind as EvidenceKind] = row._count._all
  const head = entries[0] ? { seq: entries[0].seq, hash: entries[0].hash } : null
  return {
    byKind,
    total: byKind.trace + byKind.run + byKind.file,
    head,
    entries: entries.map((entry) => ({ ...entry, createdAt: entry.createdAt.toISOString() })),
  }
}
