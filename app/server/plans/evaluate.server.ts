/**
 * A partner project's plan against its evidence: the default items are
 * generated once, and every item with a rule is judged again when evidence
 * arrives (a run chained, traces stored) or the board is opened. An item
 * closes when its rule becomes met and reopens when it stops being met,
 * saying why; a person's own move stands until the evidence changes.
 */
import { db } from '../db.server'
import { emitPhasesCompleted } from '../events/emit.server'
import { recordRunEvidence } from '../evidence/runs.server'
import { EVIDENCE_RUN_JOB, PLAN_EVALUATE_JOB } from '../jobs/kinds'
import type { JobHandler } from '../jobs/worker.server'
import { DEFAULT_ITEMS } from './defaults.server'
import { evidenceFacts, type EvidenceFacts } from './facts.server'
import { judgeRule, readRule } from './rules.server'

/** Whether the default items were generated (a read: safe on a LiteFS replica). */
export async function isPlanSeeded(partnerProjectId: string): Promise<boolean> {
  const row = await db.partnerProject.findUnique({
    where: { id: partnerProjectId },
    select: { planSeededAt: true },
  })
  return Boolean(row?.planSeededAt)
}

/** Generates the default items the first time (never again, even if they are deleted). */
export async function ensurePlan(partnerProjectId: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const claimed = await tx.partnerProject.updateMany({
      where: { id: partnerProjectId, planSeededAt: null },
      data: { planSeededAt: new Date() },
    })
    if (claimed.count !== 1) return false
    const positions: Record<string, number> = {}
    await tx.planItem.createMany({
      data: DEFAULT_ITEMS.map((item) => ({
        partnerProjectId,
        key: item.key,
        phase: item.phase,
        position: (positions[item.phase] = (positions[item.phase] ?? -1) + 1),
        title: item.title,
        required: item.required,
        rule: item.rule ? JSON.stringify(item.rule) : null,
      })),
    })
    return true
  })
}

export type ItemChange = { itemId: string; title: string; from: string; to: string; reason: string }

export async function evaluatePlan(
  partnerProjectId: string,
  { facts }: { facts?: EvidenceFacts } = {},
): Promise<ItemChange[]> {
  const items = await db.planItem.findMany({
    where: { partnerProjectId, rule: { not: null } },
  })
  if (items.length === 0) return []
  const evidence = facts ?? (await evidenceFacts(partnerProjectId))
  const changes: ItemChange[] = []
  const now = new Date()
  for (const item of items) {
    const rule = readRule(item.rule)
    if (!rule) continue
    const outcome = judgeRule(rule, evidence)
    let status = item.status
    let closedAt = item.closedAt
    let reason = outcome.reason
    if (outcome.met && item.ruleMet !== true) {
      reason = `Closed by evidence: ${outcome.reason}`
      if (status !== 'done') {
        status = 'done'
        closedAt = now
      }
    } else if (!outcome.met && item.ruleMet === true) {
      reason = `Reopened: ${outcome.reason}`
      if (status === 'done') {
        status = 'open'
        closedAt = null
      }
    } else if (outcome.met) reason = `Closed by evidence: ${outcome.reason}`
    else if (item.ruleReason?.startsWith('Reopened:')) reason = `Reopened: ${outcome.reason}`
    if (status === item.status && outcome.met === item.ruleMet && reason === item.ruleReason)
      continue
    await db.planItem.updateMany({
      where: { id: item.id, partnerProjectId },
      data: { status, closedAt, ruleMet: outcome.met, ruleReason: reason },
    })
    if (status !== item.status)
      changes.push({ itemId: item.id, title: item.title, from: item.status, to: status, reason })
  }
  await emitPhasesCompleted(
    partnerProjectId,
    items
      .filter((item) => changes.some((change) => change.itemId === item.id && change.to === 'done'))
      .map((item) => item.phase),
  )
  return changes
}

export const planJobHandlers: Record<string, JobHandler> = {
  [PLAN_EVALUATE_JOB]: {
    run: async (job) => {
      const { partnerProjectId } = JSON.parse(job.payload) as { partnerProjectId: string }
      if (
        await db.partnerProject.findUnique({
          where: { id: partnerProjectId },
          select: { id: true },
        })
      )
        await evaluatePlan(partnerProjectId)
    },
  },
  [EVIDENCE_RUN_JOB]: {
    run: async (job) => {
      const { runId } = JSON.parse(job.payload) as { runId: string }
      await recordRunEvidence(runId)
      const run = await db.run.findUnique({
        where: { id: runId },
        select: { partnerProjectId: true },
      })
      if (run?.partnerProjectId) await evaluatePlan(run.partnerProjectId)
    },
  },
}
