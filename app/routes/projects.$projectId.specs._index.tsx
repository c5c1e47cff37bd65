import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import {
  data,
  unstable_createMemoryUploadHandler as createMemoryUploadHandler,
  unstable_parseMultipartFormData as parseMultipartFormData,
  MaxPartSizeExceededError,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { NewResourceVisibilityFields, RestrictedBadge } from '~/components/sharing/visibility-form'
import { SubmitButton } from '~/components/ui/button'
import { inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { listPartnerProjects } from '~/server/partners/partners.server'
import { readNewResourceVisibility } from '~/server/partners/visibility.server'
import { SpecImportError, type SpecProblem } from '~/server/specs/problems.server'
import { MAX_SPEC_BYTES } from '~/server/specs/source.server'
import { countWarnings, listSpecs, problemNote, readWarnings } from '~/server/specs/store.server'
import { downloadSpec } from '~/server/specs/url.server'
import { importSpecVersion } from '~/server/workflows/import-spec.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatDateTime, plural } from '~/shared/format'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const [specs, partners] = await Promise.all([
    listSpecs(project.id),
    listPartnerProjects(project.id),
  ])
  return {
    projectId: project.id,
    canImport: can(access, 'project:write'),
    partners: partners.map(({ id, name }) => ({ id, name })),
    specs: specs.map((spec) => ({
      id: spec.id,
      name: spec.name,
      restricted: spec.visibility === 'restricted',
      suiteRestricted: spec.suiteVisibility === 'restricted',
      versions: spec.versions.map((version) => ({
        id: version.id,
        number: version.number,
        title: version.title,
        apiVersion: version.apiVersion,
        openapiVersion: version.openapiVersion,
        operationCount: version.operationCount,
        ...countWarnings(readWarnings(version)),
        sourceKind: version.sourceKind,
        createdAt: version.createdAt.toISOString(),
      })),
    })),
  }
}

type ActionResult = { problems: SpecProblem[]; name: string; pasted: string; url: string }

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const { project } = access
  let formData: FormData
  try {
    formData = await parseMultipartFormData(
      request,
      createMemoryUploadHandler({ maxPartSize: MAX_SPEC_BYTES }),
    )
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) {
      return data<ActionResult>(
        {
          problems: [
            { message: `The file is larger than ${MAX_SPEC_BYTES / 1024 / 1024} MB.`, pointer: '' },
          ],
          name: '',
          pasted: '',
          url: '',
        },
        { status: 413 },
      )
    }
    // A body that is not the multipart form it claims to be: the client's mistake, not ours.
    const message =
      'The upload could not be read (a malformed multipart body). Submit the form again, or use the JSON API.'
    return data<ActionResult>(
      { problems: [{ message, pointer: '' }], name: '', pasted: '', url: '' },
      { status: 400 },
    )
  }
  const name = String(formData.get('name') ?? '').slice(0, 120)
  const pasted = String(formData.get('pasted') ?? '')
  const url = String(formData.get('url') ?? '').trim()
  const file = formData.get('file')
  const upload = file instanceof File && file.size > 0 ? file : null
  if (!upload && !url && pasted.trim() === '') {
    const message = 'Choose a file to upload, give a URL, or paste the spec text.'
    return data<ActionResult>(
      { problems: [{ message, pointer: '' }], name, pasted, url },
      { status: 400 },
    )
  }
  const share = await readNewResourceVisibility(project.id, formData)
  if (!share.ok)
    return data<ActionResult>(
      { problems: [{ message: share.message, pointer: '' }], name, pasted, url },
      { status: 400 },
    )
  try {
    const fetched = !upload && url ? await downloadSpec(url) : null
    const raw = upload
      ? new Uint8Array(await upload.arrayBuffer())
      : (fetched?.raw ?? new TextEncoder().encode(pasted))
    const result = await importSpecVersion(
      {
        name: name || undefined,
        root: String(formData.get('root') ?? '') || undefined,
        raw,
        sourceKind: upload ? 'upload' : fetched ? 'url' : 'paste',
        sourceName:
          upload?.name ??
          fetched?.sourceName ??
          (pasted.trimStart().startsWith('{') ? 'openapi.json' : 'openapi.yaml'),
      },
      pageActor(access, request),
      { share: share.state },
    )
    if (result.shareError)
      return redirectWithToast(
        `/projects/${project.id}/specs/${result.spec.id}/v/${result.version.id}`,
        { type: 'error', message: `Imported “${result.spec.name}”. ${result.shareError}` },
      )
    return redirectWithToast(
      `/projects/${project.id}/specs/${result.spec.id}/v/${result.version.id}`,
      {
        type: result.created ? 'success' : 'info',
        message: result.created
          ? `Imported “${result.spec.name}” as version ${result.version.number}: ${result.version.operationCount} operations${problemNote(result.analyzed.warnings)}.`
          : `Unchanged: this content is already version ${result.version.number} of “${result.spec.name}”.`,
      },
    )
  } catch (error) {
    if (error instanceof SpecImportError) {
      return data<ActionResult>(
        { problems: error.problems, name, pasted: pasted.slice(0, 200_000), url },
        { status: error.status },
      )
    }
    throw error
  }
}

function ProblemList({ problems }: { problems: SpecProblem[] }) {
  return (
    <div
      role="alert"
      className="rounded-md border border-red-200 bg-red-50 p-4 text-sm text-red-900"
    >
      <p className="font-semibold">
        The spec was not imported.{' '}
        {problems.length === 1 ? 'One problem' : `${problems.length} problems`} to fix:
      </p>
      <ol className="mt-2 list-decimal space-y-1 pl-5">
        {problems.map((problem, index) => (
          <li key={index}>
            {problem.message}
            {problem.line !== undefined ? (
              <span className="ml-2 font-mono text-xs text-red-700">
                {problem.file ? `${problem.file} ` : ''}line {problem.line}, column {problem.column}
              </span>
            ) : null}
            {problem.pointer ? (
              <span className="ml-2 font-mono text-xs text-red-700">at {problem.pointer}</span>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  )
}

export default function SpecsTab() {
  const { projectId, specs, canImport, partners } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <div className="space-y-6">
      {canImport ? (
        <Panel title="Import a spec">
          <Form method="post" encType="multipart/form-data" className="space-y-4">
            {result?.problems.length ? <ProblemList problems={result.problems} /> : null}
            <div className="grid gap-4 sm:grid-cols-2">
              <div>
                <label htmlFor="spec-file" className="block text-sm font-medium text-slate-800">
                  Upload a file
                </label>
                <input
                  id="spec-file"
                  name="file"
                  type="file"
                  accept=".json,.yaml,.yml,.zip,application/json,application/yaml,application/zip"
                  className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-semibold"
                  aria-describedby="spec-file-hint"
                />
                <p id="spec-file-hint" className="mt-1 text-xs text-slate-500">
                  JSON or YAML (Swagger 2.0, OpenAPI 3.0, 3.1), or a .zip of a multi-file spec. Up
                  to 20 MB.
                </p>
              </div>
              <div className="grid gap-4 sm:grid-cols-2">
                <div>
                  <label htmlFor="spec-name" className="block text-sm font-medium text-slate-800">
                    Spec name
                  </label>
                  <input
                    id="spec-name"
                    name="name"
                    defaultValue={result?.name}
                    maxLength={120}
                    className={`${inputClass} mt-1`}
                    aria-describedby="spec-name-hint"
                  />
                  <p id="spec-name-hint" className="mt-1 text-xs text-slate-500">
                    Optional: the API title. The same name adds a version.
                  </p>
                </div>
                <div>
                  <label htmlFor="spec-root" className="block text-sm font-medium text-slate-800">
                    Root file in the zip
                  </label>
                  <input
                    id="spec-root"
                    name="root"
                    className={`${inputClass} mt-1`}
                    placeholder="detected"
                    aria-describedby="spec-root-hint"
                  />
                  <p id="spec-root-hint" className="mt-1 text-xs text-slate-500">
                    Only for a .zip with several candidates.
                  </p>
                </div>
              </div>
            </div>
            <div>
              <label htmlFor="spec-url" className="block text-sm font-medium text-slate-800">
                …or import from a URL
              </label>
              <input
                id="spec-url"
                name="url"
                type="url"
                defaultValue={result?.url}
                placeholder="https://api.example.com/openapi.yaml"
                className={`${inputClass} mt-1`}
                aria-describedby="spec-url-hint"
              />
              <p id="spec-url-hint" className="mt-1 text-xs text-slate-500">
                Fetched by the server (15 s timeout, 20 MB); private and internal addresses are
                refused.
              </p>
            </div>
            <div>
              <label htmlFor="spec-pasted" className="block text-sm font-medium text-slate-800">
                …or paste the spec
              </label>
              <textarea
                id="spec-pasted"
                name="pasted"
                rows={8}
                defaultValue={result?.pasted}
                spellCheck={false}
                className={`${inputClass} mt-1 font-mono text-xs`}
                placeholder="openapi: 3.1.0"
              />
            </div>
            {partners.length > 0 ? (
              <NewResourceVisibilityFields
                idPrefix="spec-import"
                partners={partners}
                legend="Who sees a new spec (its pages, golden suite and mock)"
                hint="Applies when the import creates a new spec; a new version of an existing spec keeps its sharing. Change it later on the spec’s page."
              />
            ) : null}
            <SubmitButton pendingText="Validating and importing…">Import spec</SubmitButton>
          </Form>
        </Panel>
      ) : null}

      {specs.length === 0 ? (
        <EmptyState title="No specs yet">
          {canImport
            ? 'Import your OpenAPI or Swagger document above to start.'
            : 'A vendor of this project imports the API spec here.'}
        </EmptyState>
      ) : (
        specs.map((spec) => (
          <Panel
            key={spec.id}
            title={
              spec.restricted || spec.suiteRestricted ? (
                <span className="flex items-center gap-2">
                  {spec.name}
                  {spec.restricted ? <RestrictedBadge /> : null}
                  {spec.suiteRestricted && !spec.restricted ? (
                    <RestrictedBadge label="Suite restricted" />
                  ) : null}
                </span>
              ) : (
                spec.name
              )
            }
            actions={
              spec.versions.length > 1 ? (
                <Link
                  to={`/projects/${projectId}/specs/${spec.id}/diff`}
                  className="text-sm font-semibold text-indigo-700 hover:underline"
                >
                  Compare versions
                </Link>
              ) : null
            }
          >
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2">Version</th>
                  <th className="py-2">API</th>
                  <th className="py-2">Format</th>
                  <th className="py-2">Operations</th>
                  <th className="py-2">Validation</th>
                  <th className="py-2">Imported</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {spec.versions.map((version) => (
                  <tr key={version.id}>
                    <td className="py-2">
                      <Link
                        to={`/projects/${projectId}/specs/${spec.id}/v/${version.id}`}
                        className="font-semibold text-indigo-700 hover:underline"
                      >
                        v{version.number}
                      </Link>
                    </td>
                    <td className="py-2 text-slate-700">
                      {version.title} {version.apiVersion}
                    </td>
                    <td className="py-2 text-slate-600">
                      {version.openapiVersion === '2.0'
                        ? 'Swagger 2.0'
                        : `OpenAPI ${version.openapiVersion}`}
                    </td>
                    <td className="py-2 text-slate-600">{version.operationCount}</td>
                    <td className="py-2">
                      <span
                        className={`rounded-full px-2 py-0.5 text-xs font-medium ${version.problemCount || version.warningCount ? 'bg-amber-100 text-amber-800' : 'bg-emerald-100 text-emerald-800'}`}
                      >
                        {version.problemCount
                          ? `Imported with ${plural(version.problemCount, 'problem')}`
                          : 'Valid'}
                        {version.warningCount
                          ? ` · ${plural(version.warningCount, 'warning')}`
                          : ''}
                      </span>
                    </td>
                    <td className="py-2 text-slate-600">
                      {formatDateTime(version.createdAt)} via {version.sourceKind}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Panel>
        ))
      )}
    </div>
  )
}
