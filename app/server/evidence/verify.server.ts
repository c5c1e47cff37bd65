/**
 * "Verify evidence": recomputes a partner project's chain from its stored
 * rows, page by page, and names the first entry that was edited, inserted or
 * removed, the first record (trace, run, file) changed or deleted behind its
 * entry, records slipped in without an entry, file bytes changed on disk,
 * and reports whose recorded chain head the chain no longer passes through.
 */
import { db } from '../db.server'
import { ChainWalker, type ChainHead, type ChainLink } from './chain.server'
import { fileBytesHash } from './files.server'
import { PURGED_KIND, purgedAmong } from './purged.server'
import { currentHashes, type EvidenceKind } from './records.server'

const PAGE = 5000
const MAX_LISTED = 20

export type EvidenceProblem =
  | 'removed'
  | 'edited'
  | 'inserted'
  | 'record-edited'
  | 'record-removed'
  | 'record-unchained'
  | 'file-bytes'
  | 'anchor'

export type EvidenceBreak = {
  /** The entry concerned; null for a record that has no entry at all. */
  seq: number | null
  kind?: string
  refId?: string
  label?: string
  problem: EvidenceProblem
  message: string
}

export type EvidenceVerification = {
  ok: boolean
  entries: number
  head: ChainHead | null
  checkedAt: string
  durationMs: number
  /** The first problem in chain order (records without an entry come last). */
  firstBreak: EvidenceBreak | null
  /** Every problem found, the first MAX_LISTED of them. */
  problems: EvidenceBreak[]
  problemCount: number
  /** Records deleted by the retention purge, each named by a later "purged" entry (not problems). */
  purged: number
}

const KIND_WORDS: Record<string, string> = { trace: 'trace', run: 'test run', file: 'file' }

type EntryRow = ChainLink & { seq: number }

async function entryPage(partnerProjectId: string, afterSeq: number): Promise<EntryRow[]> {
  const rows = await db.$queryRawUnsafe<
    {
      seq: number | bigint
      kind: string
      refId: string
      label: string
      contentHash: string
      prevHash: string
      hash: string
    }[]
  >(
    `SELECT "seq", "kind", "refId", "label", "contentHash", "prevHash", "hash" FROM "EvidenceEntry" WHERE "partnerProjectId" = ? AND "seq" > ? ORDER BY "seq" ASC LIMIT ${PAGE}`,
    partnerProjectId,
    afterSeq,
  )
  return rows.map((row) => ({ ...row, seq: Number(row.seq) }))
}

async function unchained(partnerProjectId: string): Promise<EvidenceBreak[]> {
  const found: EvidenceBreak[] = []
  for (const [kind, table, labelSql] of [
    ['trace', 'Trace', `t."method" || ' ' || t."url" || ' -> ' || t."status"`],
    ['file', 'EvidenceFile', `t."name"`],
  ] as const) {
    const rows = await db.$queryRawUnsafe<{ id: string; label: string }[]>(
      // NOT IN over a subquery: SQLite builds the set of chained ids once (a correlated
      // NOT EXISTS was planned as a scan of the chain per record: quadratic).
      `SELECT t."id" AS id, ${labelSql} AS label FROM "${table}" t WHERE t."partnerProjectId" = ? AND t."id" NOT IN (SELECT e."refId" FROM "EvidenceEntry" e WHERE e."partnerProjectId" = ? AND e."kind" = ?) LIMIT ${MAX_LISTED + 1}`,
      partnerProjectId,
      partnerProjectId,
      kind,
    )
    for (const row of rows)
      found.push({
        seq: null,
        kind,
        refId: row.id,
        label: row.label,
        problem: 'record-unchained',
        message: `A ${KIND_WORDS[kind]} (${row.label}) is stored without an entry in the chain: it was inserted behind the record's back.`,
      })
  }
  return found
}

export async function verifyEvidence(partnerProjectId: string): Promise<EvidenceVerification> {
  const started = performance.now()
  const walker = new ChainWalker()
  const problems: EvidenceBreak[] = []
  let problemCount = 0
  let purged = 0
  const note = (problem: EvidenceBreak) => {
    problemCount += 1
    if (problems.length < MAX_LISTED) problems.push(problem)
  }
  const anchors = new Map<number, { hash: string; reportId: string; createdAt: Date }>()
  for (const report of await db.reportSnapshot.findMany({
    where: { partnerProjectId, chainSeq: { gt: 0 } },
    select: { id: true, chainSeq: true, chainHash: true, createdAt: true },
  }))
    anchors.set(report.chainSeq, {
      hash: report.chainHash,
      reportId: report.id,
      createdAt: report.createdAt,
    })

  let afterSeq = 0
  for (;;) {
    const page = await entryPage(partnerProjectId, afterSeq)
    if (page.length === 0) break
    afterSeq = page[page.length - 1]!.seq
    const pageProblems: EvidenceBreak[] = []
    for (const entry of page) {
      const broken = walker.push(entry)
      if (broken)
        pageProblems.push({
          seq: broken.seq,
          problem: broken.problem,
          message: broken.message,
          ...(broken.seq === entry.seq
            ? { kind: entry.kind, refId: entry.refId, label: entry.label }
            : {}),
        })
      const anchor = anchors.get(entry.seq)
      if (anchor && anchor.hash !== entry.hash)
        pageProblems.push({
          seq: entry.seq,
          kind: entry.kind,
          refId: entry.refId,
          label: entry.label,
          problem: 'anchor',
          message: `Entry #${entry.seq} is not the one the report of ${anchor.createdAt.toISOString().slice(0, 10)} recorded: the chain was rewritten since.`,
        })
    }
    // The records behind the entries, one query per kind.
    const byKind = new Map<string, EntryRow[]>()
    for (const entry of page) {
      if (entry.kind === PURGED_KIND) continue // a tombstone: its record is gone on purpose
      const list = byKind.get(entry.kind) ?? []
      list.push(entry)
      byKind.set(entry.kind, list)
    }
    for (const [kind, entries] of byKind) {
      const hashes = await currentHashes(
        kind as EvidenceKind,
        partnerProjectId,
        entries.map((entry) => entry.refId),
      )
      const bytes =
        kind === 'file'
          ? await fileBytesHash(
              partnerProjectId,
              entries.map((entry) => entry.refId),
            )
          : null
      const tombstoned = await purgedAmong(
        db,
        partnerProjectId,
        entries.filter((entry) => !hashes.has(entry.refId)),
      )
      for (const entry of entries) {
        const what = KIND_WORDS[entry.kind] ?? entry.kind
        const current = hashes.get(entry.refId)
        const base = { seq: entry.seq, kind: entry.kind, refId: entry.refId, label: entry.label }
        if (current === undefined && tombstoned.has(`${entry.kind}:${entry.refId}`)) purged += 1
        else if (current === undefined)
          pageProblems.push({
            ...base,
            problem: 'record-removed',
            message: `The ${what} of entry #${entry.seq} (${entry.label}) was deleted.`,
          })
        else if (current !== entry.contentHash)
          pageProblems.push({
            ...base,
            problem: 'record-edited',
            message: `The ${what} of entry #${entry.seq} (${entry.label}) was edited after it was recorded.`,
          })
        else if (bytes && bytes.get(entry.refId) !== 'ok')
          pageProblems.push({
            ...base,
            problem: 'file-bytes',
            message: `The bytes of the file of entry #${entry.seq} (${entry.label}) ${bytes.get(entry.refId) === 'missing' ? 'are gone from the disk' : 'changed on the disk'}.`,
          })
      }
    }
    pageProblems.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))
    for (const problem of pageProblems) note(problem)
    if (page.length < PAGE) break
  }
  for (const problem of await unchained(partnerProjectId)) note(problem)
  return {
    ok: problemCount === 0,
    entries: walker.count,
    head: walker.head,
    checkedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    firstBreak: problems[0] ?? null,
    problems,
    problemCount,
    purged,
  }
}
