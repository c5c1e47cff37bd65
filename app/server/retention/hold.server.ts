/**
 * Legal holds: a partner project on hold keeps all its data (traces, runs,
 * evidence files, the mock requests attributed to it) whatever the retention
 * policy says, until the hold is released. Set and released by the vendor's
 * owners and admins, each audited with before and after.
 */
import { MAX_HOLD_REASON } from '~/shared/retention'
import { type Actor, auditAs } from '../audit/log.server'
import { db } from '../db.server'

export class LegalHoldError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message)
  }
}

type HoldState = { legalHold: boolean; reason: string; setAt: string | null }

function stateOf(row: {
  legalHold: boolean
  legalHoldReason: string
  legalHoldSetAt: Date | null
}): HoldState {
  return {
    legalHold: row.legalHold,
    reason: row.legalHoldReason,
    setAt: row.legalHoldSetAt?.toISOString() ?? null,
  }
}

/** A reason as stored: trimmed, control characters (other than line breaks) removed. */
export function cleanReason(reason: string): string {
  // eslint-disable-next-line no-control-regex
  return reason.replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/g, '').trim()
}

async function partnerOf(projectId: string, partnerProjectId: string) {
  const row = await db.partnerProject.findFirst({
    where: { id: partnerProjectId, projectId },
    select: { id: true, name: true, legalHold: true, legalHoldReason: true, legalHoldSetAt: true },
  })
  if (!row) throw new LegalHoldError('Partner not found.', 404)
  return row
}

/** Puts the partner project on hold (or changes the reason of a hold in place). */
export async function setLegalHold(
  scope: { projectId: string },
  partnerProjectId: string,
  reason: string,
  actor: Actor,
) {
  const clean = cleanReason(reason)
  if (!clean)
    throw new LegalHoldError('Give the reason for the hold (a matter, a request, a ticket).')
  if (clean.length > MAX_HOLD_REASON)
    throw new LegalHoldError(
      `Keep the reason to ${MAX_HOLD_REASON} characters; refer to a ticket or document for the rest.`,
    )
  const row = await partnerOf(scope.projectId, partnerProjectId)
  const setAt = row.legalHold && row.legalHoldSetAt ? row.legalHoldSetAt : new Date()
  await db.partnerProject.updateMany({
    where: { id: row.id, projectId: scope.projectId },
    data: { legalHold: true, legalHoldReason: clean, legalHoldSetAt: setAt },
  })
  const after = stateOf({ legalHold: true, legalHoldReason: clean, legalHoldSetAt: setAt })
  await auditAs(
    actor,
    'legal_hold.set',
    { type: 'partner_project', id: row.id },
    { partner: row.name, before: stateOf(row), after },
  )
  return { partner: { id: row.id, name: row.name }, ...after }
}

/** Releases the hold: the next purge treats the partner project's data like any other. */
export async function releaseLegalHold(
  scope: { projectId: string },
  partnerProjectId: string,
  actor: Actor,
) {
  const row = await partnerOf(scope.projectId, partnerProjectId)
  if (!row.legalHold) throw new LegalHoldError(`${row.name} is not on legal hold.`, 409)
  await db.partnerProject.updateMany({
    where: { id: row.id, projectId: scope.projectId },
    data: { legalHold: false, legalHoldReason: '', legalHoldSetAt: null },
  })
  const after = stateOf({ legalHold: false, legalHoldReason: '', legalHoldSetAt: null })
  await auditAs(
    actor,
    'legal_hold.released',
    { type: 'partner_project', id: row.id },
    { partner: row.name, before: stateOf(row), after },
  )
  return { partner: { id: row.id, name: row.name }, ...after }
}

/** The organisation's partner projects on hold, with their vendor project, oldest hold first. */
export async function heldPartnerProjects(organizationId: string) {
  const rows = await db.partnerProject.findMany({
    where: { legalHold: true, project: { organizationId } },
    orderBy: [{ legalHoldSetAt: 'asc' }, { name: 'asc' }],
    select: {
      id: true,
      name: true,
      legalHoldReason: true,
      legalHoldSetAt: true,
      project: { select: { id: true, name: true } },
    },
  })
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    reason: row.legalHoldReason,
    setAt: row.legalHoldSetAt?.toISOString() ?? null,
    project: row.project,
  }))
}
