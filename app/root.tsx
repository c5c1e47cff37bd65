import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react'
import { AppHeader } from './components/app-header'
import { ErrorPage } from './components/error-page'
import { useNonce } from './components/nonce'
import { ToastMessage } from './components/toast-message'
import { listMemberships } from './server/access.server'
import { getSession } from './server/session.server'
import { hasPartnerMembership } from './server/partners/partners.server'
import { readToast } from './server/toast.server'
import stylesheet from './tailwind.css'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export const meta: MetaFunction = () => [{ title: 'Integration Copilot' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await getSession(request)
  const { toast, clearHeader } = await readToast(request)
  let account = null
  if (session) {
    const memberships = await listMemberships(session.userId)
    const active =
      memberships.find(
        (membership) => membership.organizationId === session.activeOrganizationId,
      ) ?? memberships[0]
    account = {
      user: { id: session.user.id, name: session.user.name, email: session.user.email },
      organizations: memberships.map((membership) => ({
        id: membership.organizationId,
        name: membership.organization.name,
        role: membership.roleLabel,
      })),
      activeOrganizationId: active?.organizationId ?? null,
      isPartner: await hasPartnerMembership(session.userId),
    }
  }
  return data(
    { account, toast, showOutbox: process.env.NODE_ENV !== 'production' },
    clearHeader ? { headers: { 'Set-Cookie': clearHeader } } : undefined,
  )
}

export function useRootData() {
  return useRouteLoaderData<typeof loader>('root')
}

function Document({ children }: { children: React.ReactNode }) {
  const nonce = useNonce()
  return (
    <html lang="en" className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-full">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  const { account, toast, showOutbox } = useLoaderData<typeof loader>()
  return (
    <Document>
      {account ? <AppHeader account={account} showOutbox={showOutbox} /> : null}
      {toast ? <ToastMessage toast={toast} /> : null}
      <Outlet />
    </Document>
  )
}

export function ErrorBoundary() {
  const error = useRouteError()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const message = isRouteErrorResponse(error)
    ? typeof error.data === 'string' && error.data
      ? error.data
      : error.statusText
    : 'Something went wrong on our side. Try again, and tell us if it keeps happening.'
  return (
    <Document>
      <ErrorPage status={status} message={message} />
    </Document>
  )
}
