/**
 * With MOCKS=true there is no github.com (or accounts.google.com) to show a
 * consent page. The real strategy still builds its authorization redirect (and
 * state cookie); we send the browser straight to our own callback with the
 * state and a mock code, and msw answers the token exchange and API calls
 * server-side.
 */
export const MOCK_GITHUB_CODE = 'mock-github-code'

export function skipOAuthConsent(authorizationRedirect: Response): Response {
  const location = authorizationRedirect.headers.get('Location')
  if (!location) return authorizationRedirect
  const authorizeUrl = new URL(location)
  const callback = new URL(authorizeUrl.searchParams.get('redirect_uri') ?? '/auth/github/callback')
  callback.searchParams.set('code', MOCK_GITHUB_CODE)
  callback.searchParams.set('state', authorizeUrl.searchParams.get('state') ?? '')
  const headers = new Headers(authorizationRedirect.headers)
  headers.set('Location', callback.toString())
  return new Response(null, { status: 302, headers })
}
