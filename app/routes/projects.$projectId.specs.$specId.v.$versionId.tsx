import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { AnnotationBody, DeleteAnnotationForm } from '~/components/annotations/annotation-editor'
import { CapabilityBadges } from '~/components/capability-badges'
import { VisibilityForm } from '~/components/sharing/visibility-form'
import { OperationBrowser } from '~/components/specs/operation-list'
import { ServersAndAuth } from '~/components/specs/servers-and-auth'
import { buttonClass } from '~/components/ui/button'
import { Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { annotationCounts, orphanedAnnotations } from '~/server/annotations/annotations.server'
import { pageActor } from '~/server/audit/log.server'
import { listPartnerProjects } from '~/server/partners/partners.server'
import { applyVisibilityForm, shareState } from '~/server/partners/visibility.server'
import {
  getSpecVersionSummary,
  readWarnings,
  requireSpecVersion,
} from '~/server/specs/store.server'
import { redirectWithToast } from '~/server/toast.server'
import { groupsOf, operationRows } from '~/server/specs/view.server'
import { plural } from '~/shared/format'
import type { SpecWarning } from '~/shared/normalized-spec'
import { VISIBILITY_INTENT } from '~/shared/visibility-forms'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const { version, spec } = await requireSpecVersion(
    project.id,
    params.specId ?? '',
    params.versionId ?? '',
  )
  const groups = groupsOf(spec)
  const requested = new URL(request.url).searchParams.get('group')
  const group = groups.find((entry) => entry.name === requested)?.name ?? groups[0]?.name ?? null
  const [partners, specSharing, suiteSharing] = await Promise.all([
    listPartnerProjects(project.id),
    shareState(project.id, 'spec', version.specId),
    shareState(project.id, 'suite', version.specId),
  ])
  const [noteCounts, orphanedNotes] = await Promise.all([
    annotationCounts(version.specId),
    orphanedAnnotations(version.specId),
  ])
  return {
    projectId: project.id,
    specId: version.specId,
    specName: version.spec.name,
    version: {
      id: version.id,
      number: version.number,
      rawFormat: version.rawFormat,
      rootFile: version.rootFile,
      sourceName: version.sourceName,
    },
    info: { title: spec.info.title, version: spec.info.version },
    openapiVersion: spec.openapiVersion,
    servers: spec.servers.slice(0, 20).map((server) => ({
      url: server.url,
      description: server.description?.slice(0, 300),
    })),
    // What the page shows of each scheme (its description is left to the blueprint).
    securitySchemes: Object.values(spec.securitySchemes).map((scheme) => ({
      name: scheme.name,
      kind: scheme.kind,
      in: scheme.in ?? null,
      parameterName: scheme.parameterName ?? null,
      flows: scheme.flows ? Object.keys(scheme.flows) : [],
    })),
    capabilities: spec.capabilities,
    groupCapabilities: group ? (spec.groupCapabilities[group] ?? []) : [],
    warnings: readWarnings(version),
    groups,
    group,
    operations: operationRows(spec, group).map((row) => ({
      ...row,
      notes: noteCounts[row.id] ?? 0,
    })),
    notesCanWrite: can(access, 'project:write'),
    orphanedNotes: orphanedNotes.map((note) => ({
      id: note.id,
      type: note.type,
      operationId: note.operationId,
      fieldPath: note.fieldPath,
      html: note.html,
      orphaned: note.orphaned,
      orphanedVersion: note.orphanedVersion,
      lastVersion: note.lastVersion,
    })),
    sharing: {
      canEdit: can(access, 'project:write'),
      partners: partners.map((partner) => ({ id: partner.id, name: partner.name })),
      spec: specSharing,
      suite: suiteSharing,
    },
  }
}

/** The page's forms: `intent=visibility` says who sees the spec, or its golden suite. */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const { project } = access
  const version = await getSpecVersionSummary(
    project.id,
    params.specId ?? '',
    params.versionId ?? '',
  )
  if (!version)
    throw new Response('That spec version does not exist in this project.', { status: 404 })
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  if (intent !== VISIBILITY_INTENT)
    throw new Response(`Unknown action "${intent}".`, { status: 400 })
  const result = await applyVisibilityForm(
    project.id,
    [
      { type: 'spec', id: version.specId },
      { type: 'suite', id: version.specId },
    ],
    formData,
    pageActor(access, request),
  )
  if (!result.ok) return data({ visibility: result }, { status: result.status })
  return redirectWithToast(`/projects/${project.id}/specs/${version.specId}/v/${version.id}`, {
    type: 'success',
    message: result.message,
  })
}

function WarningList({ warnings }: { warnings: SpecWarning[] }) {
  return (
    <ul className="max-h-72 space-y-1 overflow-auto text-sm text-amber-900">
      {warnings.map((warning, index) => (
        <li key={index}>
          {warning.message}
          {warning.line !== undefined ? (
            <span className="ml-2 font-mono text-xs text-amber-700">
              {warning.file ? `${warning.file} ` : ''}line {warning.line}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  )
}

export default function SpecVersionPage() {
  const data = useLoaderData<typeof loader>()
  const visibilityResult = useActionData<typeof action>()?.visibility
  const problems = data.warnings.filter((warning) => warning.kind === 'problem')
  const advice = data.warnings.filter((warning) => warning.kind !== 'problem')
  const base = `/projects/${data.projectId}/specs/${data.specId}/v/${data.version.id}`
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <Link
            to={`/projects/${data.projectId}/specs`}
            className="text-sm text-indigo-700 hover:underline"
          >
            ← All specs
          </Link>
          <h2 className="mt-1 text-xl font-bold text-slate-900">
            {data.specName} · v{data.version.number}
          </h2>
          <p className="text-sm text-slate-600">
            {data.info.title} {data.info.version} ·{' '}
            {data.openapiVersion === '2.0' ? 'Swagger 2.0' : `OpenAPI ${data.openapiVersion}`} ·
            root {data.version.rootFile}
          </p>
        </div>
        <div className="flex gap-2">
          <a href={`${base}/blueprint`} className={buttonClass('secondary')} download>
            Download blueprint (Markdown)
          </a>
          <a href={`${base}/raw`} className={buttonClass('secondary')} download>
            Download raw spec
          </a>
          <Link to={`${base}/impact`} className={buttonClass('secondary')}>
            Impact on partners
          </Link>
          <Link
            to={`/projects/${data.projectId}/specs/${data.specId}/source`}
            className={buttonClass('secondary')}
          >
            Source and updates
          </Link>
        </div>
      </div>

      <Panel title="Capabilities">
        <CapabilityBadges capabilities={data.capabilities} />
      </Panel>

      <ServersAndAuth servers={data.servers} schemes={data.securitySchemes} />

      {problems.length > 0 ? (
        <Panel title={`Imported with ${plural(problems.length, 'problem')}`}>
          <p className="mb-2 text-sm text-slate-600">
            These parts of the document break the OpenAPI schema. They did not stop the import: each
            was set aside as described, and the rest of the spec is used as written. Fix them in the
            source and import again.
          </p>
          <WarningList warnings={problems} />
        </Panel>
      ) : null}
      {advice.length > 0 ? (
        <Panel title={`Warnings (${advice.length})`}>
          <WarningList warnings={advice} />
        </Panel>
      ) : null}

      <Panel title="Who sees this spec">
        <div className="grid gap-6 md:grid-cols-2">
          {(['spec', 'suite'] as const).map((type) => (
            <VisibilityForm
              key={type}
              resourceType={type}
              title={type === 'spec' ? 'The spec' : 'Its golden suite'}
              description={
                type === 'spec'
                  ? 'Its pages, blueprint and playground operations in the partner portal.'
                  : 'Running the golden test suite generated from it.'
              }
              state={data.sharing[type]}
              partners={data.sharing.partners}
              canEdit={data.sharing.canEdit}
              result={visibilityResult}
              partnersLink={`/projects/${data.projectId}/partners`}
            />
          ))}
        </div>
      </Panel>

      {data.orphanedNotes.length > 0 ? (
        <div id="removed-notes">
          <Panel title={`Notes on removed fields (${data.orphanedNotes.length})`}>
            <p className="mb-2 text-sm text-slate-600">
              A newer version removed the operation or field these notes were written for. They are
              kept, flagged, until you delete them or move them to a field that exists; a version
              that brings the field back clears the flag.
            </p>
            <ul className="divide-y divide-slate-100">
              {data.orphanedNotes.map((note) => {
                const operationPage = note.lastVersion
                  ? `/projects/${data.projectId}/specs/${data.specId}/v/${note.lastVersion.id}/operations/${encodeURIComponent(note.operationId)}`
                  : null
                return (
                  <li key={note.id} className="flex items-start justify-between gap-3 py-3">
                    <div className="min-w-0 flex-1">
                      <p className="mb-1 font-mono text-xs text-slate-600">
                        {operationPage ? (
                          <Link
                            to={`${operationPage}#notes`}
                            className="text-indigo-700 hover:underline"
                          >
                            {note.operationId}
                          </Link>
                        ) : (
                          note.operationId
                        )}
                        {note.lastVersion ? ` (last in v${note.lastVersion.number})` : ''}
                      </p>
                      <AnnotationBody annotation={note} />
                    </div>
                    {data.notesCanWrite && operationPage ? (
                      <DeleteAnnotationForm
                        annotationId={note.id}
                        action={operationPage}
                        redirectTo={`${base}#removed-notes`}
                      />
                    ) : null}
                  </li>
                )
              })}
            </ul>
          </Panel>
        </div>
      ) : null}

      <OperationBrowser
        groups={data.groups}
        group={data.group}
        operations={data.operations}
        groupHref={(name) => `${base}?group=${encodeURIComponent(name)}`}
        operationHref={(id) => `${base}/operations/${encodeURIComponent(id)}`}
        groupExtra={<CapabilityBadges capabilities={data.groupCapabilities} />}
        rowExtra={(operation) =>
          operation.notes > 0 ? (
            <span
              className="ml-auto shrink-0 rounded bg-sky-100 px-2 text-xs text-sky-800"
              title="Notes for partners"
            >
              {plural(operation.notes, 'note')}
            </span>
          ) : null
        }
      />
    </div>
  )
}
