import { Link } from '@remix-run/react'

/** "← Newer · Page n of m · Older →" under a numbered list; nothing when one page holds it all. */
export function PageLinks({
  label,
  page,
  pageCount,
  href,
  className = 'mt-4',
}: {
  label: string
  page: number
  pageCount: number
  href: (page: number) => string
  className?: string
}) {
  if (pageCount <= 1) return null
  return (
    <nav aria-label={label} className={`${className} flex items-center justify-between text-sm`}>
      {page > 1 ? (
        <Link to={href(page - 1)} className="text-indigo-700 hover:underline">
          ← Newer
        </Link>
      ) : (
        <span />
      )}
      <span className="text-slate-600">
        Page {page} of {pageCount}
      </span>
      {page < pageCount ? (
        <Link to={href(page + 1)} className="text-indigo-700 hover:underline">
          Older →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  )
}
