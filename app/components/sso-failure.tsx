import { Link } from '@remix-run/react'
import { AuthLayout } from './auth-layout'

export type SsoFailureView = {
  message: string
  hint: string
  organizationName: string | null
}

/** A refused single sign-on attempt: what happened, what to do, and the ways back. */
export function SsoFailurePage({ failure }: { failure: SsoFailureView }) {
  return (
    <AuthLayout
      title="Single sign-on did not work"
      subtitle={failure.organizationName ? `Signing in to ${failure.organizationName}` : undefined}
    >
      <div role="alert" className="space-y-3 text-sm">
        <p className="font-medium text-red-800">{failure.message}</p>
        <p className="text-slate-700">{failure.hint}</p>
      </div>
      <div className="mt-6 flex flex-wrap gap-4 text-sm">
        <Link to="/sso" className="font-semibold text-indigo-600 hover:underline">
          Start single sign-on again
        </Link>
        <Link to="/login" className="font-semibold text-indigo-600 hover:underline">
          Sign in with a password
        </Link>
      </div>
    </AuthLayout>
  )
}
