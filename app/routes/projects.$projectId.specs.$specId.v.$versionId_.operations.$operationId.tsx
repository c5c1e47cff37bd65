import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { VendorAnnotations } from '~/components/annotations/annotation-editor'
import { OperationDetail } from '~/components/specs/operation-detail'
import { Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import {
  annotationAction,
  annotationFormFailure,
  readAnnotationForm,
} from '~/server/annotations/actions.server'
import { annotationEditor, annotationsForOperation } from '~/server/annotations/annotations.server'
import { pageActor } from '~/server/audit/log.server'
import { safeRedirectPath } from '~/server/http.server'
import { viewBudget } from '~/server/specs/schema-view.server'
import { getSpecVersionSummary, requireSpecVersion } from '~/server/specs/store.server'
import { redirectWithToast } from '~/server/toast.server'
import { findOperation, neighbours, operationDetail } from '~/server/specs/view.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const { version, spec } = await requireSpecVersion(
    project.id,
    params.specId ?? '',
    params.versionId ?? '',
  )
  const operation = findOperation(spec, params.operationId ?? '')
  if (!operation)
    throw new Response(
      'This version has no such operation: it may have been renamed. Pick one from the version page.',
      { status: 404 },
    )
  const canWrite = can(access, 'project:write')
  const [annotations, editor] = await Promise.all([
    annotationsForOperation(version.specId, operation.id),
    canWrite ? annotationEditor(version.specId, operation.id) : null,
  ])
  return {
    projectId: project.id,
    specId: version.specId,
    specName: version.spec.name,
    version: { id: version.id, number: version.number },
    operation: operationDetail(spec, operation, viewBudget(new URL(request.url).searchParams)),
    ...neighbours(spec, operation),
    notes: {
      canWrite,
      annotations: annotations.map(
        ({ id, type, fieldPath, body, html, orphaned, orphanedVersion }) => ({
          id,
          type,
          fieldPath,
          body,
          html,
          orphaned,
          orphanedVersion,
        }),
      ),
      paths: editor?.fieldPaths.paths ?? [],
      truncated: editor?.fieldPaths.truncated ?? false,
      latestNumber: editor?.latest.number ?? null,
      operationInLatest: editor?.operationInLatest ?? false,
    },
  }
}

/** Adds, edits or deletes a note on this operation (people who may change the project). */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const version = await getSpecVersionSummary(
    access.project.id,
    params.specId ?? '',
    params.versionId ?? '',
  )
  if (!version)
    throw new Response('That spec version does not exist in this project.', { status: 404 })
  const operationId = params.operationId ?? ''
  const form = await readAnnotationForm(request)
  if ('error' in form)
    return data(annotationFormFailure(form.error, form.status), { status: form.status })
  const result = await annotationAction(form.formData, {
    actor: pageActor(access, request),
    specId: version.specId,
    operationId,
  })
  if (!result.ok) return data(result, { status: result.status })
  // The version page deletes its "removed fields" notes here, and is returned to.
  const specPages = `/projects/${access.project.id}/specs/${version.specId}/`
  const here = `${specPages}v/${version.id}/operations/${encodeURIComponent(operationId)}#notes`
  const back = safeRedirectPath(form.formData.get('redirectTo'), here)
  return redirectWithToast(back.startsWith(specPages) ? back : here, {
    type: 'success',
    message: result.message,
  })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.operation.method} ${data.operation.path} · ${data.specName} v${data.version.number}`
      : 'Operation',
  },
]

export default function OperationPage() {
  const data = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { operation, notes } = data
  const base = `/projects/${data.projectId}/specs/${data.specId}/v/${data.version.id}`
  return (
    <OperationDetail
      operation={operation}
      back={{
        to: `${base}?group=${encodeURIComponent(operation.group)}`,
        label: `${data.specName} v${data.version.number} · ${operation.group}`,
      }}
      operationHref={(id) => `${base}/operations/${encodeURIComponent(id)}`}
      previous={data.previous}
      next={data.next}
      notesPlacement="after-about"
      notes={
        <div id="notes">
          <Panel
            title={`Notes for partners${notes.annotations.length ? ` (${notes.annotations.length})` : ''}`}
          >
            <VendorAnnotations
              annotations={notes.annotations}
              canWrite={notes.canWrite}
              paths={notes.paths}
              truncated={notes.truncated}
              latestNumber={notes.latestNumber}
              operationInLatest={notes.operationInLatest}
              failure={actionData && !actionData.ok ? actionData : null}
            />
          </Panel>
        </div>
      }
    />
  )
}
