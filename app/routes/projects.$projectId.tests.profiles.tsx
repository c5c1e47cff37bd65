import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { SubmitButton } from '~/components/ui/button'
import { EmptyState, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { API_GROUP } from '~/shared/golden-templates'
import {
  ProfileError,
  profileSpecs,
  readProfile,
  setProfileLevel,
} from '~/server/testkit/profiles.server'
import { suiteFor } from '~/server/testkit/views.server'
import { redirectWithToast } from '~/server/toast.server'
import { CATEGORIES, CATEGORY_LABELS, type Category, type Level } from '~/shared/golden-templates'

const LEVELS: Level[] = ['required', 'optional', 'na']
const LEVEL_LABELS: Record<string, string> = {
  required: 'Required',
  optional: 'Optional',
  na: 'N/A',
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const { specs, chosen } = await profileSpecs(
    project.id,
    new URL(request.url).searchParams.get('spec'),
  )
  if (!chosen?.versions[0])
    return {
      projectId: project.id,
      canWrite: false,
      specs: [],
      specId: null,
      profile: null,
      counts: {},
    }
  const suite = await suiteFor(chosen.versions[0].id)
  const profile = await readProfile(project.id, suite.spec)
  const counts: Record<string, number> = {}
  for (const entry of suite.cases)
    counts[`${entry.group}|${entry.category}`] =
      (counts[`${entry.group}|${entry.category}`] ?? 0) + 1
  return {
    projectId: project.id,
    canWrite: can(access, 'project:write'),
    specs: specs.map((spec) => ({ id: spec.id, name: spec.name })),
    specId: chosen.id,
    profile,
    counts,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const formData = await request.formData()
  const { chosen } = await profileSpecs(access.project.id, String(formData.get('specId') ?? ''))
  const back = `/projects/${access.project.id}/tests/profiles${chosen ? `?spec=${chosen.id}` : ''}`
  if (!chosen?.versions[0])
    return redirectWithToast(back, { type: 'error', message: 'Import a spec first.' })
  const { spec } = await suiteFor(chosen.versions[0].id)
  const profile = await readProfile(access.project.id, spec)
  const actor = pageActor(access, request)
  let changed = 0
  try {
    for (const [key, value] of formData) {
      const match = /^level\|(.+)\|([a-z-]+)$/.exec(key)
      if (!match || typeof value !== 'string') continue
      const [, group, category] = match as unknown as [string, string, Category]
      const cell = profile.cells[group]?.[category]
      if (!cell) continue
      const chosen = LEVELS.find((entry) => entry === value)
      if (!chosen || chosen === cell.level) continue
      // Choosing the default level removes the override.
      const level = chosen === cell.defaultLevel ? 'default' : chosen
      await setProfileLevel(access.project.id, spec, { group, category, level }, actor)
      changed++
    }
  } catch (error) {
    if (error instanceof ProfileError)
      return redirectWithToast(back, { type: 'error', message: error.message })
    throw error
  }
  return redirectWithToast(back, {
    type: 'success',
    message: changed ? `${changed} level(s) saved: the next runs use them.` : 'Nothing changed.',
  })
}

export default function Profiles() {
  const { projectId, canWrite, specs, specId, profile, counts } = useLoaderData<typeof loader>()
  if (!profile)
    return (
      <EmptyState title="No spec yet">
        Profiles follow the API’s groups:{' '}
        <Link
          to={`/projects/${projectId}/specs`}
          className="font-semibold text-indigo-700 hover:underline"
        >
          import a spec
        </Link>{' '}
        first.
      </EmptyState>
    )
  return (
    <Panel title="Test profile">
      <p className="mb-4 text-sm text-slate-600">
        Per API group and category: <strong>Required</strong> failures fail a run,{' '}
        <strong>Optional</strong> ones are reported without failing it, <strong>N/A</strong> cases
        are not run. Defaults come from what the spec engine detected (hover a level for the
        reason). Runs record the profile they used.
      </p>
      {specs.length > 1 ? (
        <Form method="get" className="mb-4 flex items-center gap-2 text-sm">
          <label htmlFor="spec">Groups of</label>
          <select
            id="spec"
            name="spec"
            defaultValue={specId ?? ''}
            className="rounded-md border-0 py-1 ring-1 ring-slate-300"
          >
            {specs.map((spec) => (
              <option key={spec.id} value={spec.id}>
                {spec.name}
              </option>
            ))}
          </select>
          <button type="submit" className="rounded-md bg-white px-2 py-1 ring-1 ring-slate-300">
            Show
          </button>
        </Form>
      ) : null}
      <Form method="post">
        <input type="hidden" name="specId" value={specId ?? ''} />
        <div className="overflow-x-auto">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">
              Levels per API group (rows) and category (columns)
            </caption>
            <thead>
              <tr className="text-slate-500">
                <th scope="col" className="py-2 pr-3">
                  Group
                </th>
                {CATEGORIES.map((category) => (
                  <th key={category} scope="col" className="px-1 py-2 font-semibold">
                    {CATEGORY_LABELS[category]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {profile.groups.map((group) => (
                <tr key={group}>
                  <th scope="row" className="py-2 pr-3 text-sm font-medium text-slate-900">
                    {group === API_GROUP ? 'Whole API' : group}
                  </th>
                  {CATEGORIES.map((category) => {
                    const cell = profile.cells[group]![category]
                    const count = counts[`${group}|${category}`] ?? 0
                    return (
                      <td key={category} className="px-1 py-1 align-top">
                        <label className="sr-only" htmlFor={`level-${group}-${category}`}>
                          {CATEGORY_LABELS[category]} for{' '}
                          {group === API_GROUP ? 'the whole API' : group}
                        </label>
                        <select
                          id={`level-${group}-${category}`}
                          name={`level|${group}|${category}`}
                          defaultValue={cell.level}
                          disabled={!canWrite}
                          title={cell.reason}
                          className={`w-full rounded border-0 py-0.5 text-xs ring-1 ${cell.overridden ? 'ring-indigo-400' : 'ring-slate-200'} ${cell.level === 'na' ? 'text-slate-400' : cell.level === 'optional' ? 'text-amber-800' : 'text-slate-900'}`}
                        >
                          <option value="default">
                            Default: {LEVEL_LABELS[cell.defaultLevel]}
                          </option>
                          {LEVELS.map((level) => (
                            <option key={level} value={level}>
                              {LEVEL_LABELS[level]}
                            </option>
                          ))}
                        </select>
                        <span className="mt-0.5 block text-[10px] text-slate-400">
                          {count} case{count === 1 ? '' : 's'}
                        </span>
                      </td>
                    )
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <details className="mt-3 text-xs text-slate-600">
          <summary className="cursor-pointer">Why the defaults are what they are</summary>
          <ul className="mt-2 space-y-1">
            {profile.groups.flatMap((group) =>
              CATEGORIES.map((category) => {
                const cell = profile.cells[group]![category]
                return (
                  <li key={`${group}-${category}`}>
                    <strong>{group === API_GROUP ? 'Whole API' : group}</strong> ·{' '}
                    {CATEGORY_LABELS[category]}: {LEVEL_LABELS[cell.defaultLevel]} — {cell.reason}
                  </li>
                )
              }),
            )}
          </ul>
        </details>
        {canWrite ? (
          <SubmitButton className="mt-4" pendingText="Saving…">
            Save profile
          </SubmitButton>
        ) : (
          <p className="mt-4 text-sm text-slate-600">
            Vendors, admins and owners change the profile.
          </p>
        )}
      </Form>
    </Panel>
  )
}
