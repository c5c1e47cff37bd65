/**
 * The one use case "import a spec": the spec engine stores the version, the
 * spec's mock starts (or moves to it), and the import is audited. The Specs
 * tab and `POST /api/v1/projects/:id/specs` both call this, so they behave
 * and are recorded alike; a new version then goes through drift/'s
 * afterSpecVersionAdded (optional run on the Mock, event, impact job).
 * Lives outside specs/ because the spec engine uses no other area. `share`
 * (the Specs tab's "who sees it" choice, checked beforehand) applies to a new spec: the spec, its suite and the mock its
 * import started; a new version keeps its spec's sharing.
 */
import { flagOrphanedAnnotations } from '../annotations/annotations.server'
import { type Actor, auditAs } from '../audit/log.server'
import { afterSpecVersionAdded } from '../drift/new-version.server'
import { autostartMock } from '../mocks/service.server'
import { shareNewResources, type ShareState, VisibilityError } from '../partners/visibility.server'
import { importSpec, type ImportInput } from '../specs/store.server'

export async function importSpecVersion(
  input: Omit<ImportInput, 'projectId' | 'createdById'>,
  actor: Actor,
  options: { share?: ShareState } = {},
) {
  const result = await importSpec({
    ...input,
    projectId: actor.projectId,
    createdById: actor.userId,
  })
  // Notes on operations or fields this version removed are flagged (never deleted).
  const annotations = result.created
    ? await flagOrphanedAnnotations(result.spec.id, result.version)
    : null
  // A new spec is restricted before its mock starts, so no partner sees it meanwhile.
  const share = result.created && result.version.number === 1 ? options.share : undefined
  let shareError = share
    ? await shareQuietly(actor, share, [
        { type: 'spec', id: result.spec.id },
        { type: 'suite', id: result.spec.id },
      ])
    : null
  const mock = result.created
    ? await autostartMock(actor.projectId, result.spec.id, result.version.id)
    : null
  if (share && mock) {
    // Its spec could not be restricted as chosen (then it sees nobody): the mock follows.
    const mockShare: ShareState = shareError
      ? { visibility: 'restricted', partnerProjectIds: [] }
      : share
    shareError ??= await shareQuietly(actor, mockShare, [{ type: 'mock', id: mock.id }])
  }
  if (result.created)
    await auditAs(
      actor,
      'spec.imported',
      { type: 'spec_version', id: result.version.id },
      {
        spec: result.spec.name,
        version: result.version.number,
        source: input.sourceKind,
        mockId: mock?.id ?? null,
        ...(annotations?.orphaned || annotations?.restored ? { annotations } : {}),
      },
    )
  // Run on the Mock (when asked), the version event, the partner impact job (drift/).
  const followUp = result.created
    ? await afterSpecVersionAdded(actor, result.spec, result.version)
    : null
  return { ...result, mock, shareError, runId: followUp?.runId ?? null }
}

/** Restricts what the import created; a refusal is told to the person, the import stands. */
async function shareQuietly(
  actor: Actor,
  share: ShareState,
  resources: { type: 'spec' | 'suite' | 'mock'; id: string }[],
): Promise<string | null> {
  try {
    await shareNewResources(actor.projectId, resources, share, actor)
    return null
  } catch (error) {
    if (error instanceof VisibilityError) return error.message
    throw error
  }
}
