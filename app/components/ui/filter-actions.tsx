import { Link, useNavigation } from '@remix-run/react'
import { buttonClass } from './button'

/**
 * The buttons of a GET filter form: "Apply filters" (pending while that page loads with the
 * new query) and, when a filter is on, "Clear filters" back to `path`.
 */
export function FilterActions({ path, filtered }: { path: string; filtered: boolean }) {
  const navigation = useNavigation()
  const filtering =
    navigation.state === 'loading' &&
    navigation.formMethod === 'GET' &&
    navigation.location.pathname === path
  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="submit"
        className={buttonClass('primary')}
        aria-disabled={filtering || undefined}
      >
        {filtering ? 'Filtering…' : 'Apply filters'}
      </button>
      {filtered ? (
        <Link to={path} className="text-sm font-medium text-indigo-700 hover:underline">
          Clear filters
        </Link>
      ) : null}
    </div>
  )
}
