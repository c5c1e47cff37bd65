import { Form, Link, NavLink, useLocation } from '@remix-run/react'
import { SubmitButton } from './ui/button'

type Account = {
  user: { id: string; name: string; email: string }
  organizations: { id: string; name: string; role: string }[]
  activeOrganizationId: string | null
  /** Belongs to a partner project: the partner portal is linked. */
  isPartner: boolean
}

const navLinkClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-3 py-2 text-sm font-medium ${isActive ? 'bg-slate-800 text-white' : 'text-slate-300 hover:bg-slate-800 hover:text-white'}`

export function AppHeader({ account, showOutbox }: { account: Account; showOutbox: boolean }) {
  const location = useLocation()
  const active = account.organizations.find((org) => org.id === account.activeOrganizationId)
  // A partner-only user has no vendor pages: only the partner portal is linked.
  const vendor = account.organizations.length > 0 || !account.isPartner
  return (
    <header className="bg-slate-900">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-6 py-3">
        <Link
          to={vendor ? '/projects' : '/partner'}
          className="text-base font-bold tracking-tight text-white"
        >
          Integration Copilot
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1">
          {vendor ? (
            <>
              <NavLink to="/projects" className={navLinkClass}>
                Projects
              </NavLink>
              <NavLink to="/readiness" className={navLinkClass}>
                Readiness
              </NavLink>
              <NavLink to="/settings" className={navLinkClass}>
                Settings
              </NavLink>
            </>
          ) : null}
          {account.isPartner ? (
            <NavLink to="/partner" className={navLinkClass}>
              Partner portal
            </NavLink>
          ) : null}
          {showOutbox ? (
            <NavLink to="/admin/outbox" className={navLinkClass}>
              Outbox
            </NavLink>
          ) : null}
        </nav>
        <div className="ml-auto flex flex-wrap items-center gap-3">
          {account.organizations.length > 0 ? (
            <Form method="post" action="/orgs/switch" className="flex items-center gap-2">
              <input
                type="hidden"
                name="redirectTo"
                value={location.pathname.startsWith('/projects/') ? '/projects' : location.pathname}
              />
              <label htmlFor="org-switcher" className="text-xs font-medium text-slate-400">
                Organisation
              </label>
              <select
                id="org-switcher"
                name="organizationId"
                defaultValue={account.activeOrganizationId ?? undefined}
                key={account.activeOrganizationId}
                className="rounded-md border-0 bg-slate-800 py-1.5 pl-2 pr-8 text-sm text-white ring-1 ring-slate-700 focus:ring-2 focus:ring-indigo-500"
              >
                {account.organizations.map((org) => (
                  <option key={org.id} value={org.id}>
                    {org.name} ({org.role.toLowerCase()})
                  </option>
                ))}
              </select>
              <SubmitButton variant="secondary" className="!py-1.5" pendingText="Switching…">
                Switch
              </SubmitButton>
            </Form>
          ) : null}
          <details className="relative">
            <summary className="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1.5 text-sm text-slate-200 hover:bg-slate-800">
              <span
                aria-hidden
                className="flex h-7 w-7 items-center justify-center rounded-full bg-indigo-500 text-xs font-bold text-white"
              >
                {account.user.name.slice(0, 1).toUpperCase()}
              </span>
              <span>{account.user.name}</span>
            </summary>
            <div className="absolute right-0 z-10 mt-2 w-64 rounded-md bg-white p-3 shadow-lg ring-1 ring-slate-200">
              <p className="text-sm font-medium text-slate-900">{account.user.name}</p>
              <p className="truncate text-xs text-slate-500">{account.user.email}</p>
              {active ? (
                <p className="mt-1 text-xs text-slate-500">
                  {active.name} · {active.role.toLowerCase()}
                </p>
              ) : null}
              <Link
                to="/account/security"
                className="mt-3 block rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100"
              >
                Account security
              </Link>
              <Form method="post" action="/logout" className="mt-3">
                <SubmitButton variant="secondary" className="w-full" pendingText="Signing out…">
                  Sign out
                </SubmitButton>
              </Form>
            </div>
          </details>
        </div>
      </div>
    </header>
  )
}
