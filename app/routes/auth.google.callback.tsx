import type { LoaderFunctionArgs } from '@remix-run/node'
import { auditSignIn } from '~/server/audit/sign-in.server'
import { getAuthenticator } from '~/server/auth.server'
import { isGoogleEnabled } from '~/server/env.server'
import { ensurePrimary } from '~/server/litefs.server'
import { completeSignIn } from '~/server/security/sign-in.server'
import { redirectWithToast } from '~/server/toast.server'

/** A GET that writes (user, session): it must run on the LiteFS primary. */
export async function loader({ request }: LoaderFunctionArgs) {
  if (!isGoogleEnabled()) throw new Response('Google sign-in is not configured.', { status: 404 })
  await ensurePrimary()
  try {
    const user = await getAuthenticator(new URL(request.url).origin).authenticate('google', request)
    return await completeSignIn(user, request, { method: 'google', redirectTo: '/projects' })
  } catch (error) {
    if (error instanceof Response) throw error
    const reason = error instanceof Error ? error.message : 'unknown error'
    console.error('[auth] Google sign-in failed', reason)
    await auditSignIn({
      user: null,
      email: '',
      method: 'google',
      outcome: 'failure',
      reason,
      request,
    })
    return redirectWithToast('/login', {
      type: 'error',
      message: `Google sign-in failed (${reason}). Try again or sign in with email.`,
    })
  }
}
