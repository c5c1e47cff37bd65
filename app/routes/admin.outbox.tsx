import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { Page } from '~/components/page'
import { EmptyState } from '~/components/ui/panel'
import { requireUser } from '~/server/auth.server'
import { latestOutboxEmails } from '~/server/email.server'
import { formatDateTime } from '~/shared/format'

export const meta: MetaFunction = () => [{ title: 'Outbox · Integration Copilot' }]

/** Development aid: every email the app has written. Not served in production. */
export async function loader({ request }: LoaderFunctionArgs) {
  if (process.env.NODE_ENV === 'production') throw new Response('Not found', { status: 404 })
  await requireUser(request)
  const emails = await latestOutboxEmails(50)
  return {
    emails: emails.map((email) => ({
      ...email,
      createdAt: email.createdAt.toISOString(),
      sentAt: email.sentAt?.toISOString() ?? null,
    })),
  }
}

export default function OutboxPage() {
  const { emails } = useLoaderData<typeof loader>()
  return (
    <Page
      title="Outbox"
      description="Emails written by the app (latest 50). Shown in development only."
    >
      {emails.length === 0 ? (
        <EmptyState title="No emails yet">Invitations you send appear here.</EmptyState>
      ) : (
        <ul className="space-y-3">
          {emails.map((email) => (
            <li
              key={email.id}
              className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm"
            >
              <p className="font-semibold text-slate-900">{email.subject}</p>
              <p className="text-xs text-slate-500">
                To {email.to} · {formatDateTime(email.createdAt)} ·{' '}
                {email.sentAt
                  ? 'sent via SMTP'
                  : email.error
                    ? `SMTP error: ${email.error}`
                    : 'not sent (no SMTP_URL)'}
              </p>
              <pre className="mt-2 whitespace-pre-wrap font-sans text-slate-700">{email.text}</pre>
            </li>
          ))}
        </ul>
      )}
    </Page>
  )
}
