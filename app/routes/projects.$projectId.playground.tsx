import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import {
  isRouteErrorResponse,
  Link,
  useActionData,
  useLoaderData,
  useParams,
  useRouteError,
} from '@remix-run/react'
import { Playground } from '~/components/playground/playground'
import { Panel } from '~/components/ui/panel'
import { can, type ProjectAccess, requireProjectAccess } from '~/server/access.server'
import { playgroundPost } from '~/server/playground/actions.server'
import { playgroundPage } from '~/server/playground/page.server'
import type { PlaygroundScope } from '~/server/playground/scope.server'

export const meta: MetaFunction = () => [{ title: 'Playground · Integration Copilot' }]

const scopeOf = (access: ProjectAccess): PlaygroundScope => ({
  projectId: access.project.id,
  partnerProjectId: null,
  userId: access.user.id,
})
const baseOf = (access: ProjectAccess) => `/projects/${access.project.id}/playground`

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  return playgroundPage(scopeOf(access), request, {
    base: baseOf(access),
    canSend: can(access, 'project:write'),
  })
}

/** Send, save as template, delete a saved request: intent=send | save-template | delete-saved. */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  return playgroundPost(scopeOf(access), request, { base: baseOf(access) })
}

export default function ProjectPlaygroundPage() {
  const view = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return <Playground view={view} actionData={actionData} />
}

/** A missing operation or template keeps the project's tabs. */
export function ErrorBoundary() {
  const error = useRouteError()
  const { projectId = '' } = useParams()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const message =
    isRouteErrorResponse(error) && typeof error.data === 'string' && error.data
      ? error.data
      : 'Something went wrong in the playground. Try again; if it persists, tell your administrator.'
  return (
    <Panel
      title={status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'Something went wrong'}
    >
      <p className="text-sm text-slate-700" role="alert">
        {message}
      </p>
      <Link
        to={`/projects/${projectId}/playground`}
        className="mt-3 inline-block text-sm font-semibold text-indigo-700 hover:underline"
      >
        ← Back to the playground
      </Link>
    </Panel>
  )
}
