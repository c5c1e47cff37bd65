/** The user's templates and recent sends: each loads into the form (`?template=`), each may be deleted. */
import { Form, Link } from '@remix-run/react'
import { MethodBadge } from '~/components/method-badge'
import { SubmitButton } from '~/components/ui/button'
import { formatDateTime } from '~/shared/format'
import type { SavedView } from '~/shared/playground'

function DeleteButton({ entry, action }: { entry: SavedView; action: string }) {
  return (
    <Form method="post" action={action}>
      <input type="hidden" name="intent" value="delete-saved" />
      <input type="hidden" name="savedId" value={entry.id} />
      <SubmitButton
        variant="ghost"
        className="!px-1.5 !py-0.5 !text-xs"
        pendingFor={['savedId', entry.id]}
        pendingText="…"
        aria-label={`Delete ${entry.kind === 'template' ? `template ${entry.name}` : 'this request from history'}`}
      >
        Delete
      </SubmitButton>
    </Form>
  )
}

function Entry({
  entry,
  action,
  canDelete,
  current,
}: {
  entry: SavedView
  action: string
  canDelete: boolean
  current: boolean
}) {
  return (
    <li
      className={`flex items-start justify-between gap-2 rounded px-1.5 py-1 ${current ? 'bg-indigo-50' : ''}`}
    >
      <Link to={entry.href} className="flex min-w-0 items-start gap-2 text-sm hover:underline">
        <MethodBadge method={entry.method} />
        <span className="min-w-0">
          <span className="block truncate text-slate-900">
            {entry.kind === 'template' ? entry.name : entry.path}
          </span>
          <span className="block truncate text-xs text-slate-500">
            {entry.kind === 'template'
              ? entry.path
              : `${entry.error ? 'no answer' : (entry.status ?? '—')} · ${entry.durationMs ?? '—'} ms · ${entry.violationCount} violation${entry.violationCount === 1 ? '' : 's'} · ${formatDateTime(entry.createdAt)}`}
          </span>
        </span>
      </Link>
      {canDelete ? <DeleteButton entry={entry} action={action} /> : null}
    </li>
  )
}

function Section({
  id,
  title,
  hint,
  empty,
  entries,
  ...rest
}: {
  id: string
  title: string
  hint?: string
  empty: string
  entries: SavedView[]
  action: string
  canDelete: boolean
  currentId: string | null
}) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="text-base font-semibold text-slate-900">
        {title}
      </h2>
      {hint ? <p className="text-xs text-slate-500">{hint}</p> : null}
      {entries.length === 0 ? (
        <p className="mt-1 text-xs text-slate-500">{empty}</p>
      ) : (
        <ul className="mt-1 max-h-96 space-y-0.5 overflow-auto">
          {entries.map((entry) => (
            <Entry
              key={entry.id}
              entry={entry}
              action={rest.action}
              canDelete={rest.canDelete}
              current={entry.id === rest.currentId}
            />
          ))}
        </ul>
      )}
    </section>
  )
}

export function SavedLists({
  templates,
  history,
  ...rest
}: {
  templates: SavedView[]
  history: SavedView[]
  action: string
  canDelete: boolean
  currentId: string | null
}) {
  return (
    <div className="space-y-5">
      <Section
        id="templates-heading"
        title="Templates"
        empty="None yet: name a request and save it as a template."
        entries={templates}
        {...rest}
      />
      <Section
        id="history-heading"
        title="History"
        hint="Your last 50 requests."
        empty="Nothing sent yet."
        entries={history}
        {...rest}
      />
    </div>
  )
}
