/**
 * The plan board of a partner project: phases with their items, notes
 * (internal ones for the vendor only), evidence files and linked cases with
 * their latest verdict; and the use cases that change it, each scoped by the
 * project and audited.
 */
import { PHASE_LABELS, PHASES, type ItemStatus, type Phase } from '~/shared/plan'
import { type Actor, auditAs } from '../audit/log.server'
import { db } from '../db.server'
import { describeRule, readRule } from './rules.server'

export class PlanError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 = 400,
  ) {
    super(message)
  }
}

export type Audience = 'vendor' | 'partner'

export type LinkedCase = {
  key: string
  title: string
  latest: { verdict: string; runId: string; seq: number; environment: string; at: string } | null
}

async function linkedCases(
  partnerProjectId: string,
  keys: string[],
): Promise<Map<string, LinkedCase>> {
  const out = new Map<string, LinkedCase>()
  if (keys.length === 0) return out
  const rows = await db.runCase.findMany({
    where: { key: { in: keys }, run: { partnerProjectId } },
    orderBy: { run: { createdAt: 'desc' } },
    take: keys.length * 10,
    select: {
      key: true,
      title: true,
      verdict: true,
      seq: true,
      run: { select: { id: true, environmentLabel: true, createdAt: true } },
    },
  })
  for (const row of rows)
    if (!out.has(row.key))
      out.set(row.key, {
        key: row.key,
        title: row.title,
        latest: {
          verdict: row.verdict,
          runId: row.run.id,
          seq: row.seq,
          environment: row.run.environmentLabel,
          at: row.run.createdAt.toISOString(),
        },
      })
  // A case linked from a vendor run (no partner project) still shows its title.
  const missing = keys.filter((key) => !out.has(key))
  if (missing.length > 0) {
    const titles = await db.runCase.findMany({
      where: { key: { in: missing } },
      distinct: ['key'],
      select: { key: true, title: true },
    })
    for (const key of missing)
      out.set(key, {
        key,
        title: titles.find((row) => row.key === key)?.title ?? key,
        latest: null,
      })
  }
  return out
}

export function readLinkedKeys(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown
    return Array.isArray(value) ? value.filter((key): key is string => typeof key === 'string') : []
  } catch {
    return []
  }
}

export async function planBoard(partnerProjectId: string, audience: Audience, now = new Date()) {
  const [items, files] = await Promise.all([
    db.planItem.findMany({
      where: { partnerProjectId },
      orderBy: [{ position: 'asc' }, { createdAt: 'asc' }],
      include: {
        notes: {
          where: audience === 'partner' ? { internal: false } : {},
          orderBy: { createdAt: 'asc' },
        },
      },
    }),
    db.evidenceFile.findMany({
      where: { partnerProjectId },
      orderBy: { createdAt: 'asc' },
      select: {
        id: true,
        name: true,
        mediaType: true,
        size: true,
        createdAt: true,
        uploaderKind: true,
        phase: true,
        planItemId: true,
      },
    }),
  ])
  const keys = [...new Set(items.flatMap((item) => readLinkedKeys(item.linkedCases)))]
  const cases = await linkedCases(partnerProjectId, keys)
  const today = now.toISOString().slice(0, 10)
  const fileView = (file: (typeof files)[number]) => ({
    id: file.id,
    name: file.name,
    mediaType: file.mediaType,
    size: file.size,
    createdAt: file.createdAt.toISOString(),
    uploaderKind: file.uploaderKind,
  })
  const phases = PHASES.map((phase) => {
    const phaseItems = items
      .filter((item) => item.phase === phase)
      .map((item) => {
        const rule = readRule(item.rule)
        const due = item.dueDate?.toISOString().slice(0, 10) ?? null
        return {
          id: item.id,
          key: item.key,
          title: item.title,
          required: item.required,
          status: item.status as ItemStatus,
          ownerName: item.ownerName,
          dueDate: due,
          overdue: Boolean(due && due < today && item.status !== 'done'),
          rule: rule ? { description: describeRule(rule) } : null,
          ruleMet: item.ruleMet,
          ruleReason: item.ruleReason,
          closedAt: item.closedAt?.toISOString() ?? null,
          notes: item.notes.map((note) => ({
            id: note.id,
            body: note.body,
            internal: note.internal,
            authorName: note.authorName,
            createdAt: note.createdAt.toISOString(),
          })),
          files: files.filter((file) => file.planItemId === item.id).map(fileView),
          cases: readLinkedKeys(item.linkedCases).map((key) => cases.get(key)!),
        }
      })
    const required = phaseItems.filter((item) => item.required)
    const requiredDone = required.filter((item) => item.status === 'done').length
    return {
      phase,
      label: PHASE_LABELS[phase],
      items: phaseItems,
      requiredTotal: required.length,
      requiredDone,
      complete:
        required.length > 0
          ? requiredDone === required.length
          : phaseItems.length > 0 && phaseItems.every((item) => item.status === 'done'),
      files: files.filter((file) => file.phase === phase && !file.planItemId).map(fileView),
    }
  })
  const current = phases.find((phase) => !phase.complete)?.phase ?? null
  return { phases, currentPhase: current }
}

export type PlanBoard = Awaited<ReturnType<typeof planBoard>>

/** Phase progress only (lists of partners, the executive summary). */
export async function phaseProgress(partnerProjectIds: string[]) {
  const items = await db.planItem.findMany({
    where: { partnerProjectId: { in: partnerProjectIds } },
    select: { partnerProjectId: true, phase: true, required: true, status: true, dueDate: true },
  })
  const out = new Map<
    string,
    {
      phases: Record<Phase, { total: number; done: number; complete: boolean }>
      current: Phase | null
      open: number
      overdue: number
    }
  >()
  const today = new Date().toISOString().slice(0, 10)
  for (const id of partnerProjectIds) {
    const own = items.filter((item) => item.partnerProjectId === id)
    const phases = Object.fromEntries(
      PHASES.map((phase) => {
        const inPhase = own.filter((item) => item.phase === phase)
        const required = inPhase.filter((item) => item.required)
        const counted = required.length > 0 ? required : inPhase
        const done = counted.filter((item) => item.status === 'done').length
        return [
          phase,
          { total: counted.length, done, complete: counted.length > 0 && done === counted.length },
        ]
      }),
    ) as Record<Phase, { total: number; done: number; complete: boolean }>
    out.set(id, {
      phases,
      current: PHASES.find((phase) => !phases[phase].complete) ?? null,
      open: own.filter((item) => item.status !== 'done').length,
      overdue: own.filter(
        (item) =>
          item.status !== 'done' && item.dueDate && item.dueDate.toISOString().slice(0, 10) < today,
      ).length,
    })
  }
  return out
}

async function requireItem(partnerProjectId: string, itemId: string) {
  const item = await db.planItem.findFirst({ where: { id: itemId, partnerProjectId } })
  if (!item) throw new PlanError('That plan item does not exist (any more).', 404)
  return item
}

const dateOf = (value: string | undefined) => (value ? new Date(`${value}T00:00:00Z`) : null)

export async function addItem(
  partnerProjectId: string,
  input: { phase: Phase; title: string; ownerName?: string; dueDate?: string; required?: boolean },
  actor: Actor,
) {
  const last = await db.planItem.findFirst({
    where: { partnerProjectId, phase: input.phase },
    orderBy: { position: 'desc' },
    select: { position: true },
  })
  const item = await db.planItem.create({
    data: {
      partnerProjectId,
      phase: input.phase,
      position: (last?.position ?? -1) + 1,
      title: input.title,
      ownerName: input.ownerName ?? '',
      dueDate: dateOf(input.dueDate),
      required: input.required ?? false,
    },
  })
  await auditAs(
    actor,
    'plan.item_added',
    { type: 'plan_item', id: item.id },
    { phase: input.phase, title: input.title },
  )
  return item
}

export async function updateItem(
  partnerProjectId: string,
  itemId: string,
  input: { title: string; ownerName?: string; dueDate?: string; required?: boolean },
  actor: Actor,
) {
  await requireItem(partnerProjectId, itemId)
  await db.planItem.updateMany({
    where: { id: itemId, partnerProjectId },
    data: {
      title: input.title,
      ownerName: input.ownerName ?? '',
      dueDate: dateOf(input.dueDate),
      required: input.required ?? false,
    },
  })
  await auditAs(
    actor,
    'plan.item_updated',
    { type: 'plan_item', id: itemId },
    { title: input.title },
  )
}

export async function moveItem(
  partnerProjectId: string,
  itemId: string,
  status: ItemStatus,
  actor: Actor,
) {
  const item = await requireItem(partnerProjectId, itemId)
  if (item.status === status) return
  await db.planItem.updateMany({
    where: { id: itemId, partnerProjectId },
    data: { status, closedAt: status === 'done' ? new Date() : null },
  })
  await auditAs(
    actor,
    'plan.item_moved',
    { type: 'plan_item', id: itemId },
    { from: item.status, to: status },
  )
}

export async function deleteItem(partnerProjectId: string, itemId: string, actor: Actor) {
  const item = await requireItem(partnerProjectId, itemId)
  await db.planItem.deleteMany({ where: { id: itemId, partnerProjectId } })
  await auditAs(
    actor,
    'plan.item_deleted',
    { type: 'plan_item', id: itemId },
    { title: item.title },
  )
}

export async function addNote(
  partnerProjectId: string,
  itemId: string,
  input: { body: string; internal: boolean; authorName: string },
  actor: Actor,
) {
  await requireItem(partnerProjectId, itemId)
  const note = await db.planNote.create({
    data: {
      planItemId: itemId,
      body: input.body,
      internal: input.internal,
      authorName: input.authorName,
    },
  })
  await auditAs(
    actor,
    'plan.note_added',
    { type: 'plan_item', id: itemId },
    { internal: input.internal },
  )
  return note
}

/** Links a case (by its stable key) to an item of one of the project's partner projects. */
export async function linkCase(projectId: string, itemId: string, caseKey: string, actor: Actor) {
  const item = await db.planItem.findFirst({
    where: { id: itemId, partnerProject: { projectId } },
  })
  if (!item) throw new PlanError('Choose one of this project’s plan items.', 404)
  const keys = readLinkedKeys(item.linkedCases)
  if (!keys.includes(caseKey)) {
    if (keys.length >= 50) throw new PlanError('An item links at most 50 cases.')
    await db.planItem.updateMany({
      where: { id: item.id, partnerProjectId: item.partnerProjectId },
      data: { linkedCases: JSON.stringify([...keys, caseKey]) },
    })
    await auditAs(actor, 'plan.case_linked', { type: 'plan_item', id: item.id }, { caseKey })
  }
  return item
}

export async function unlinkCase(
  partnerProjectId: string,
  itemId: string,
  caseKey: string,
  actor: Actor,
) {
  const item = await requireItem(partnerProjectId, itemId)
  const keys = readLinkedKeys(item.linkedCases)
  if (!keys.includes(caseKey)) return
  await db.planItem.updateMany({
    where: { id: itemId, partnerProjectId },
    data: { linkedCases: JSON.stringify(keys.filter((key) => key !== caseKey)) },
  })
  await auditAs(actor, 'plan.case_unlinked', { type: 'plan_item', id: itemId }, { caseKey })
}

/** The items a case can be linked to: every partner project's, grouped. */
export async function linkableItems(projectId: string) {
  const partners = await db.partnerProject.findMany({
    where: { projectId },
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      planItems: {
        orderBy: [{ position: 'asc' }],
        select: { id: true, title: true, phase: true, linkedCases: true },
      },
    },
  })
  return partners.map((partner) => ({
    id: partner.id,
    name: partner.name,
    items: PHASES.flatMap((phase) =>
      partner.planItems
        .filter((item) => item.phase === phase)
        .map((item) => ({
          id: item.id,
          title: item.title,
          phase: PHASE_LABELS[phase],
          linkedKeys: readLinkedKeys(item.linkedCases),
        })),
    ),
  }))
}
