import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { getAuthenticator } from '~/server/auth.server'
import { getEnv, isGoogleEnabled } from '~/server/env.server'
import { skipOAuthConsent } from '~/server/github-mock.server'

export async function loader() {
  return redirect('/login')
}

export async function action({ request }: ActionFunctionArgs) {
  if (!isGoogleEnabled()) throw new Response('Google sign-in is not configured.', { status: 404 })
  try {
    await getAuthenticator(new URL(request.url).origin).authenticate('google', request)
  } catch (error) {
    if (error instanceof Response && getEnv().MOCKS) return skipOAuthConsent(error)
    throw error
  }
  return redirect('/login')
}
