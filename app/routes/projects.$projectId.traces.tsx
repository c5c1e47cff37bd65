import type { LoaderFunctionArgs } from '@remix-run/node'
import {
  isRouteErrorResponse,
  Link,
  Outlet,
  useLoaderData,
  useLocation,
  useParams,
  useRouteError,
} from '@remix-run/react'
import { Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'

/** The Traces tab: the traces partners sent, their coverage of the spec, and the partners' trace secrets. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  return { projectId: project.id }
}

function TracesNav({ projectId }: { projectId: string }) {
  const { pathname } = useLocation()
  const base = `/projects/${projectId}/traces`
  const sections = [
    { to: `${base}/coverage`, label: 'Coverage' },
    { to: `${base}/partners`, label: 'Secrets and uploads' },
  ]
  const within = (to: string) => pathname === to || pathname.startsWith(`${to}/`)
  // The list and each trace's own page are "Traces".
  const links = [
    { to: base, label: 'Traces', current: !sections.some((section) => within(section.to)) },
    ...sections.map((section) => ({ ...section, current: within(section.to) })),
  ]
  return (
    <nav aria-label="Traces sections">
      <ul className="flex flex-wrap gap-2 text-sm">
        {links.map((link) => (
          <li key={link.to}>
            <Link
              to={link.to}
              prefetch="intent"
              aria-current={link.current ? 'page' : undefined}
              className={`inline-block rounded-full px-3 py-1 font-medium ${link.current ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700 ring-1 ring-slate-200 hover:bg-slate-50'}`}
            >
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}

export default function TracesLayout() {
  const { projectId } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-6">
      <TracesNav projectId={projectId} />
      <Outlet />
    </div>
  )
}

/** A missing trace or a refused page keeps the project's tabs and this tab's sections. */
export function ErrorBoundary() {
  const error = useRouteError()
  const { projectId = '' } = useParams()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const message = isRouteErrorResponse(error)
    ? typeof error.data === 'string' && error.data
      ? error.data
      : error.statusText
    : 'Something went wrong while loading traces. Try again; if it persists, tell your administrator.'
  const titles: Record<number, string> = {
    400: 'That request was not understood',
    403: 'Not allowed',
    404: 'Not found',
  }
  return (
    <div className="space-y-6">
      <TracesNav projectId={projectId} />
      <Panel title={titles[status] ?? 'Something went wrong'}>
        <p className="text-sm text-slate-700" role="alert">
          {message}
        </p>
        <Link
          to={`/projects/${projectId}/traces`}
          className="mt-3 inline-block text-sm font-semibold text-indigo-700 hover:underline"
        >
          ← All traces
        </Link>
      </Panel>
    </div>
  )
}
