import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { auditSignOut } from '~/server/audit/sign-in.server'
import { revokeSession } from '~/server/session.server'

export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  await auditSignOut(request)
  const clearCookie = await revokeSession(request)
  return redirect('/login', { headers: { 'Set-Cookie': clearCookie } })
}
