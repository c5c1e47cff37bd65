import { NavLink } from '@remix-run/react'

export type Tab = { to: string; label: string; end?: boolean }

/** The one underlined tab bar (project, partner portal and settings sections). */
export function TabNav({
  label,
  tabs,
  className = '',
}: {
  label: string
  tabs: Tab[]
  className?: string
}) {
  return (
    <nav aria-label={label} className={`border-b border-slate-200 ${className}`}>
      <ul className="-mb-px flex flex-wrap gap-1">
        {tabs.map((tab) => (
          <li key={tab.to}>
            <NavLink
              to={tab.to}
              end={tab.end}
              prefetch="intent"
              className={({ isActive }) =>
                `inline-block border-b-2 px-3 py-2 text-sm font-medium ${isActive ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900'}`
              }
            >
              {tab.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  )
}
