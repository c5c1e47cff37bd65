/**
 * The one way a sign-in ends, whatever proved who the user is (password, GitHub, Google,
 * OIDC, SAML): every strategy calls completeSignIn. A user with a second factor gets no
 * session yet: a pending sign-in (signed cookie, 5 minutes) sends them to the code page,
 * and openSignedInSession runs once the code is right. The successful sign-in is audited
 * where the session is actually opened.
 */
import { redirect } from '@remix-run/node'
import type { User } from '~/generated/prisma/client'
import { auditSignIn } from '../audit/sign-in.server'
import { db } from '../db.server'
import { createSession } from '../session.server'
import { redirectWithToast, type Toast } from '../toast.server'
import { beginPendingSignIn } from './pending-sign-in.server'

export type SignInMethod = 'password' | 'github' | 'google' | 'oidc' | 'saml'

export type SignInOptions = {
  method: SignInMethod
  redirectTo: string
  ssoOrganizationId?: string | null
}

export const SECOND_FACTOR_PATH = '/login/two-factor'

export async function completeSignIn(
  user: Pick<User, 'id' | 'email'>,
  request: Request,
  options: SignInOptions,
): Promise<Response> {
  const row = await db.user.findUnique({ where: { id: user.id }, select: { totpEnabledAt: true } })
  if (row?.totpEnabledAt) {
    const setCookie = await beginPendingSignIn({
      userId: user.id,
      method: options.method,
      ssoOrganizationId: options.ssoOrganizationId ?? null,
      // The cookie keeps at most 2,000 characters of it (a longer one is no page of ours).
      redirectTo: options.redirectTo.length <= 2000 ? options.redirectTo : '/projects',
    })
    return redirect(SECOND_FACTOR_PATH, { headers: { 'Set-Cookie': setCookie } })
  }
  return openSignedInSession(user, request, options)
}

/**
 * Opens the session (recording how it was proved) and audits the sign-in. `extra` lets the
 * second-factor step clear its cookie and leave a message in the same response.
 */
export async function openSignedInSession(
  user: Pick<User, 'id' | 'email'>,
  request: Request,
  options: SignInOptions,
  extra: { setCookies?: string[]; toast?: Toast } = {},
): Promise<Response> {
  await auditSignIn({
    user,
    email: user.email,
    method: options.method,
    outcome: 'success',
    request,
  })
  const { setCookie } = await createSession(user.id, request, {
    authMethod: options.method,
    ssoOrganizationId: options.ssoOrganizationId ?? null,
  })
  const headers = new Headers()
  headers.append('Set-Cookie', setCookie)
  for (const header of extra.setCookies ?? []) headers.append('Set-Cookie', header)
  if (extra.toast) return redirectWithToast(options.redirectTo, extra.toast, { headers })
  return redirect(options.redirectTo, { headers })
}
