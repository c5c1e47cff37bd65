/**
 * The one way a sign-in ends, whatever proved who the user is (password, GitHub, Google,
 * OIDC, SAML): every strategy calls completeSignIn, which records the sign-in and opens
 * the session with how it was proved.
 */
import type { User } from '~/generated/prisma/client'
import { auditSignIn } from '../audit/sign-in.server'
import { redirectWithSession } from '../session.server'

export type SignInMethod = 'password' | 'github' | 'google' | 'oidc' | 'saml'

export async function completeSignIn(
  user: Pick<User, 'id' | 'email'>,
  request: Request,
  options: { method: SignInMethod; redirectTo: string; ssoOrganizationId?: string | null },
): Promise<Response> {
  await auditSignIn({
    user,
    email: user.email,
    method: options.method,
    outcome: 'success',
    request,
  })
  return redirectWithSession(user.id, request, options.redirectTo, {
    authMethod: options.method,
    ssoOrganizationId: options.ssoOrganizationId ?? null,
  })
}
