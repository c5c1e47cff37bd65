import type { LoaderFunctionArgs } from '@remix-run/node'
import { getAuthenticator } from '~/server/auth.server'
import { isGitHubEnabled } from '~/server/env.server'
import { ensurePrimary } from '~/server/litefs.server'
import { completeSignIn } from '~/server/security/sign-in.server'
import { redirectWithToast } from '~/server/toast.server'

/** A GET that writes (user, session): it must run on the LiteFS primary. */
export async function loader({ request }: LoaderFunctionArgs) {
  if (!isGitHubEnabled()) throw new Response('GitHub sign-in is not configured.', { status: 404 })
  await ensurePrimary()
  try {
    const user = await getAuthenticator(new URL(request.url).origin).authenticate('github', request)
    return await completeSignIn(user, request, { method: 'github', redirectTo: '/projects' })
  } catch (error) {
    if (error instanceof Response) throw error
    console.error('[auth] GitHub sign-in failed', error instanceof Error ? error.message : error)
    const reason = error instanceof Error ? error.message : 'unknown error'
    return redirectWithToast('/login', {
      type: 'error',
      message: `GitHub sign-in failed (${reason}). Try again or sign in with email.`,
    })
  }
}
