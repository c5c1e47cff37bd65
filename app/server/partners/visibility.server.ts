/**
 * What a partner project sees of its vendor project: specs, mocks and golden
 * suites are shared with every partner project by default (visibility "all");
 * the vendor may restrict one to chosen partner projects (visibility
 * "restricted" plus one ResourceShare row per partner project). Every partner
 * page and API asks here; nothing else decides visibility. The vendor's forms
 * (a resource's page, and the choice made when a new resource is created)
 * go through `applyVisibilityForm` / `readNewResourceVisibility` +
 * `shareNewResources`, which all end in `setVisibility` (decision 022).
 */
import { parseWithZod } from '@conform-to/zod/v4'
import {
  NewResourceVisibilitySchema,
  RESOURCE_LABELS,
  SHAREABLE_TYPES,
  type ShareableType,
  type Visibility,
  VisibilitySchema,
} from '~/shared/visibility-forms'
import { type Actor, auditAs } from '../audit/log.server'
import { db } from '../db.server'

export { SHAREABLE_TYPES, type ShareableType, type Visibility }

/** A refused change: 400 for a partner not in the project, 404 for a resource not in it. */
export class VisibilityError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 = 400,
  ) {
    super(message)
  }
}

async function sharedIds(partnerProjectId: string, type: ShareableType): Promise<string[]> {
  const rows = await db.resourceShare.findMany({
    where: { partnerProjectId, resourceType: type },
    select: { resourceId: true },
  })
  return rows.map((row) => row.resourceId)
}

/** The specs of the project this partner project sees, newest version first per spec. */
export async function visibleSpecs(projectId: string, partnerProjectId: string) {
  const shared = await sharedIds(partnerProjectId, 'spec')
  return db.spec.findMany({
    where: { projectId, OR: [{ visibility: 'all' }, { id: { in: shared } }] },
    orderBy: { name: 'asc' },
    include: {
      versions: {
        orderBy: { number: 'desc' },
        take: 1,
        select: {
          id: true,
          number: true,
          title: true,
          apiVersion: true,
          operationCount: true,
          createdAt: true,
        },
      },
    },
  })
}

/** The ids of the specs whose golden suite this partner project may run. */
export async function visibleSuiteSpecIds(projectId: string, partnerProjectId: string) {
  const shared = await sharedIds(partnerProjectId, 'suite')
  const rows = await db.spec.findMany({
    where: { projectId, OR: [{ suiteVisibility: 'all' }, { id: { in: shared } }] },
    select: { id: true },
  })
  return rows.map((row) => row.id)
}

/** The mocks of the project this partner project sees. */
export async function visibleMocks(projectId: string, partnerProjectId: string) {
  const shared = await sharedIds(partnerProjectId, 'mock')
  return db.mock.findMany({
    where: { projectId, OR: [{ visibility: 'all' }, { id: { in: shared } }] },
    orderBy: { createdAt: 'asc' },
    include: {
      specVersion: { select: { id: true, number: true, title: true, specId: true } },
    },
  })
}

/** True when the partner project sees this resource of its vendor project. */
export async function canSee(
  projectId: string,
  partnerProjectId: string,
  type: ShareableType,
  resourceId: string,
): Promise<boolean> {
  const visibility = await visibilityOf(projectId, type, resourceId)
  if (visibility === null) return false
  if (visibility === 'all') return true
  const share = await db.resourceShare.findUnique({
    where: {
      resourceType_resourceId_partnerProjectId: {
        resourceType: type,
        resourceId,
        partnerProjectId,
      },
    },
  })
  return share !== null
}

async function visibilityOf(
  projectId: string,
  type: ShareableType,
  resourceId: string,
): Promise<Visibility | null> {
  if (type === 'mock') {
    const mock = await db.mock.findFirst({
      where: { id: resourceId, projectId },
      select: { visibility: true },
    })
    return mock ? (mock.visibility as Visibility) : null
  }
  const spec = await db.spec.findFirst({
    where: { id: resourceId, projectId },
    select: { visibility: true, suiteVisibility: true },
  })
  if (!spec) return null
  return (type === 'spec' ? spec.visibility : spec.suiteVisibility) as Visibility
}

export type ShareState = { visibility: Visibility; partnerProjectIds: string[] }

/** Who sees the resource, for its page's sharing form. */
export async function shareState(
  projectId: string,
  type: ShareableType,
  resourceId: string,
): Promise<ShareState> {
  const visibility = (await visibilityOf(projectId, type, resourceId)) ?? 'all'
  const rows = await db.resourceShare.findMany({
    where: { projectId, resourceType: type, resourceId },
    select: { partnerProjectId: true },
  })
  return { visibility, partnerProjectIds: rows.map((row) => row.partnerProjectId) }
}

/**
 * Shares the resource with every partner project, or restricts it to the ones
 * named (which must belong to the project). Several resources at once: the
 * bulk choice made when a new resource is shared.
 */
export async function setVisibility(
  projectId: string,
  resources: { type: ShareableType; id: string }[],
  state: ShareState,
  actor: Actor,
): Promise<void> {
  // Boxes left ticked beside "every partner" are not kept (nor audited as if they were).
  const partnerProjectIds =
    state.visibility === 'restricted' ? [...new Set(state.partnerProjectIds)] : []
  await assertPartnersInProject(projectId, partnerProjectIds)
  for (const resource of resources) {
    if ((await visibilityOf(projectId, resource.type, resource.id)) === null)
      throw new VisibilityError(
        `That ${RESOURCE_LABELS[resource.type]} is not in this project.`,
        404,
      )
  }
  await db.$transaction(async (tx) => {
    for (const resource of resources) {
      if (resource.type === 'mock')
        await tx.mock.update({
          where: { id: resource.id },
          data: { visibility: state.visibility },
        })
      else
        await tx.spec.update({
          where: { id: resource.id },
          data:
            resource.type === 'spec'
              ? { visibility: state.visibility }
              : { suiteVisibility: state.visibility },
        })
      await tx.resourceShare.deleteMany({
        where: { projectId, resourceType: resource.type, resourceId: resource.id },
      })
      if (state.visibility === 'restricted' && partnerProjectIds.length > 0)
        await tx.resourceShare.createMany({
          data: partnerProjectIds.map((partnerProjectId) => ({
            projectId,
            resourceType: resource.type,
            resourceId: resource.id,
            partnerProjectId,
          })),
        })
    }
  })
  for (const resource of resources)
    await auditAs(
      actor,
      'visibility.changed',
      { type: resource.type, id: resource.id },
      { visibility: state.visibility, partnerProjectIds },
    )
}

async function assertPartnersInProject(projectId: string, partnerProjectIds: string[]) {
  if (partnerProjectIds.length === 0) return
  const known = await db.partnerProject.count({
    where: { projectId, id: { in: partnerProjectIds } },
  })
  if (known !== partnerProjectIds.length)
    throw new VisibilityError('One of the chosen partners is not in this project.')
}

type Resource = { type: ShareableType; id: string }

function sharingMessage(resources: Resource[], state: ShareState): string {
  const what =
    resources.length === 1
      ? `This ${RESOURCE_LABELS[resources[0]!.type]} is`
      : `These ${resources.length} resources are`
  if (state.visibility === 'all') return `${what} now shared with every partner.`
  const count = new Set(state.partnerProjectIds).size
  if (count === 0) return `${what} now restricted to nobody yet: no partner sees it.`
  return `${what} now restricted to ${count === 1 ? 'one partner' : `${count} partners`}.`
}

/**
 * The `intent=visibility` form of a resource's page. `resources` are the ones
 * the page owns (the spec page: the spec and its suite); the form's
 * `resourceType` picks among them, and without it all of them change.
 * Returns the toast message, or the form's reply with the error and its status.
 */
export async function applyVisibilityForm(
  projectId: string,
  resources: Resource[],
  formData: FormData,
  actor: Actor,
) {
  const submission = parseWithZod(formData, { schema: VisibilitySchema })
  if (submission.status !== 'success') {
    const named = formData.get('resourceType')
    return {
      ok: false as const,
      status: 400,
      resourceType: SHAREABLE_TYPES.find((type) => type === named) ?? null,
      reply: submission.reply(),
    }
  }
  const { resourceType, visibility, partnerProjectIds } = submission.value
  const chosen = resourceType ? resources.filter((entry) => entry.type === resourceType) : resources
  const refuse = (message: string, status: number) => ({
    ok: false as const,
    status,
    resourceType: resourceType ?? null,
    reply: submission.reply({ formErrors: [message] }),
  })
  if (chosen.length === 0)
    return refuse(`This page has no ${RESOURCE_LABELS[resourceType!]} to share.`, 400)
  const state: ShareState = { visibility, partnerProjectIds }
  try {
    await setVisibility(projectId, chosen, state, actor)
  } catch (error) {
    if (error instanceof VisibilityError) return refuse(error.message, error.status)
    throw error
  }
  return { ok: true as const, message: sharingMessage(chosen, state) }
}

/**
 * The choice offered in the import and new-mock forms, checked before the
 * resource is created (a partner of another project refuses the whole form).
 * Absent fields mean shared with every partner, as before this choice existed.
 */
export async function readNewResourceVisibility(
  projectId: string,
  formData: FormData,
): Promise<{ ok: true; state: ShareState } | { ok: false; message: string }> {
  const submission = parseWithZod(formData, { schema: NewResourceVisibilitySchema })
  if (submission.status !== 'success') {
    const messages = Object.values(submission.error ?? {}).flatMap((list) => list ?? [])
    return { ok: false, message: messages[0] ?? 'Check who should see it and try again.' }
  }
  const state: ShareState = {
    visibility: submission.value.visibility,
    partnerProjectIds: [...new Set(submission.value.partnerProjectIds)],
  }
  try {
    if (state.visibility === 'restricted')
      await assertPartnersInProject(projectId, state.partnerProjectIds)
  } catch (error) {
    if (error instanceof VisibilityError) return { ok: false, message: error.message }
    throw error
  }
  return { ok: true, state }
}

/**
 * Applies the choice read by `readNewResourceVisibility` to resources just
 * created, in one call. Shared with every partner is their default already.
 * Should the restriction fail (a chosen partner deleted meanwhile), they are
 * restricted to nobody rather than left shared with all: the error says so.
 */
export async function shareNewResources(
  projectId: string,
  resources: Resource[],
  state: ShareState,
  actor: Actor,
): Promise<void> {
  if (state.visibility === 'all' || resources.length === 0) return
  try {
    await setVisibility(projectId, resources, state, actor)
  } catch (error) {
    if (!(error instanceof VisibilityError)) throw error
    await setVisibility(
      projectId,
      resources,
      { visibility: 'restricted', partnerProjectIds: [] },
      actor,
    )
    throw new VisibilityError(
      `${error.message} It was created restricted to nobody: choose its partners on its page.`,
    )
  }
}
