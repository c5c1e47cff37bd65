import { isRouteErrorResponse, Link, useParams, useRouteError } from '@remix-run/react'
import { Page } from '~/components/page'

const TITLES: Record<number, string> = {
  400: 'That request was not understood',
  403: 'Not allowed',
  404: 'Not found',
}

/**
 * A partner page's error inside the partner portal (its tabs stay): the
 * server's message for a 4xx, a generic one otherwise, and a link back to the
 * section (`section` is the tab's path under the partner project, e.g. `specs`).
 */
export function PartnerRouteError({ section, label }: { section: string; label: string }) {
  const error = useRouteError()
  const { partnerProjectId = '' } = useParams()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const message =
    isRouteErrorResponse(error) && typeof error.data === 'string' && error.data
      ? error.data
      : isRouteErrorResponse(error)
        ? error.statusText
        : 'Something went wrong while loading this page. Try again; if it persists, tell the API team.'
  return (
    <Page title={TITLES[status] ?? 'Something went wrong'}>
      <p className="text-sm text-slate-700" role="alert">
        {message}
      </p>
      <Link
        to={`/partner/${partnerProjectId}${section ? `/${section}` : ''}`}
        className="inline-block text-sm font-semibold text-indigo-700 hover:underline"
      >
        ← {label}
      </Link>
    </Page>
  )
}
