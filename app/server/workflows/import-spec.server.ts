/**
 * The one use case "import a spec": the spec engine stores the version, the
 * spec's mock starts (or moves to it), and the import is audited. The Specs
 * tab and `POST /api/v1/projects/:id/specs` both call this, so they behave
 * and are recorded alike. Lives outside specs/ because the spec engine uses
 * no other area.
 */
import { type Actor, auditAs } from '../audit/log.server'
import { autostartMock } from '../mocks/service.server'
import { importSpec, type ImportInput } from '../specs/store.server'

export async function importSpecVersion(
  input: Omit<ImportInput, 'projectId' | 'createdById'>,
  actor: Actor,
) {
  const result = await importSpec({
    ...input,
    projectId: actor.projectId,
    createdById: actor.userId,
  })
  const mock = result.created
    ? await autostartMock(actor.projectId, result.spec.id, result.version.id)
    : null
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
      },
    )
  return { ...result, mock }
}
