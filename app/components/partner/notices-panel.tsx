import { Form, Link } from '@remix-run/react'
import { Panel } from '~/components/ui/panel'

type Notice = {
  id: string
  title: string
  body: string
  link: string
  createdAt: string | Date
  readAt: string | Date | null
}

/** A partner's notices (breaking changes that affect it), unread first; each can be marked read. */
export function NoticesPanel({ notices }: { notices: Notice[] }) {
  if (notices.length === 0) return null
  return (
    <Panel title="Notices">
      <ul className="space-y-3 text-sm" data-testid="partner-notices">
        {notices.map((notice) => (
          <li key={notice.id} className={notice.readAt ? 'opacity-60' : ''}>
            <p className="font-medium text-slate-900">
              {notice.readAt ? null : (
                <span className="mr-2 rounded bg-red-100 px-1.5 text-xs text-red-800">new</span>
              )}
              {notice.title}
            </p>
            <pre className="mt-1 whitespace-pre-wrap font-sans text-slate-700">{notice.body}</pre>
            <div className="mt-1 flex items-center gap-3">
              {notice.link.startsWith('/partner/') ? (
                <Link to={notice.link} reloadDocument className="text-indigo-700 hover:underline">
                  The changelog
                </Link>
              ) : null}
              {notice.readAt ? null : (
                <Form method="post">
                  <input type="hidden" name="intent" value="read-notice" />
                  <input type="hidden" name="noticeId" value={notice.id} />
                  <button type="submit" className="text-slate-600 hover:underline">
                    Mark read
                  </button>
                </Form>
              )}
            </div>
          </li>
        ))}
      </ul>
    </Panel>
  )
}
