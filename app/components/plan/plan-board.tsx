/**
 * The plan board of one partner project, for the vendor (every note, every
 * control) and for the partner (shared notes only). Plain forms: every move,
 * note and upload works without JavaScript; the page's action handles them
 * by `intent`.
 */
import { Form, Link } from '@remix-run/react'
import { VerdictBadge } from '~/components/tests/badges'
import { SubmitButton } from '~/components/ui/button'
import { ConfirmAction } from '~/components/ui/confirm-action'
import { inputClass } from '~/components/ui/forms'
import { formatBytes, formatDate, formatDateTime } from '~/shared/format'
import { ITEM_STATUS_LABELS, ITEM_STATUSES, type ItemStatus, type Phase } from '~/shared/plan'
import { ItemStatusBadge } from './phase-strip'

export type BoardFile = {
  id: string
  name: string
  mediaType: string
  size: number
  createdAt: string
  uploaderKind: string
}
export type BoardItem = {
  id: string
  title: string
  required: boolean
  status: ItemStatus
  ownerName: string
  dueDate: string | null
  overdue: boolean
  rule: { description: string } | null
  ruleMet: boolean | null
  ruleReason: string | null
  closedAt: string | null
  notes: { id: string; body: string; internal: boolean; authorName: string; createdAt: string }[]
  files: BoardFile[]
  cases: {
    key: string
    title: string
    latest: { verdict: string; runId: string; seq: number; environment: string; at: string } | null
  }[]
}
export type BoardPhase = {
  phase: Phase
  label: string
  items: BoardItem[]
  requiredTotal: number
  requiredDone: number
  complete: boolean
  files: BoardFile[]
}

type Props = {
  phases: BoardPhase[]
  audience: 'vendor' | 'partner'
  canWrite: boolean
  /** `${filesBase}/${fileId}` downloads a file. */
  filesBase: string
  /** Where a linked case's latest result opens (vendor pages only). */
  caseHref?: (runId: string, seq: number) => string
  /** The item an error concerns, and the message. */
  error?: { itemId?: string | null; phase?: string | null; message: string } | null
}

function Files({ files, filesBase }: { files: BoardFile[]; filesBase: string }) {
  if (files.length === 0) return null
  return (
    <ul className="space-y-1 text-xs">
      {files.map((file) => (
        <li key={file.id} className="flex flex-wrap items-baseline gap-2">
          <a
            href={`${filesBase}/${file.id}`}
            className="break-all font-medium text-indigo-700 hover:underline"
            download
          >
            {file.name}
          </a>
          <span className="text-slate-500">
            {file.mediaType}, {formatBytes(file.size)}, by the {file.uploaderKind},{' '}
            {formatDateTime(file.createdAt)}
          </span>
        </li>
      ))}
    </ul>
  )
}

function UploadForm({ itemId, phase }: { itemId?: string; phase: Phase }) {
  const id = `upload-${itemId ?? phase}`
  return (
    <Form
      method="post"
      encType="multipart/form-data"
      className="flex flex-wrap items-end gap-2"
      aria-label="Attach a file"
    >
      <input type="hidden" name="intent" value="upload-file" />
      <input type="hidden" name="phase" value={phase} />
      {itemId ? <input type="hidden" name="itemId" value={itemId} /> : null}
      <div>
        <label htmlFor={id} className="block text-xs font-medium text-slate-700">
          Attach evidence (screenshot, log, PDF; 10 MB)
        </label>
        <input
          id={id}
          name="file"
          type="file"
          required
          accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,application/json,.log,.txt,.har,.json,.csv"
          className="mt-1 block text-xs text-slate-700 file:mr-2 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:py-1 file:text-xs file:font-semibold"
        />
      </div>
      <SubmitButton
        variant="secondary"
        className="!py-1 !text-xs"
        name="intent"
        value="upload-file"
        pendingFor={itemId ? ['itemId', itemId] : ['phase', phase]}
        pendingText="Uploading…"
      >
        Attach
      </SubmitButton>
    </Form>
  )
}

function Item({
  item,
  phase,
  audience,
  canWrite,
  filesBase,
  caseHref,
  error,
}: { item: BoardItem; phase: Phase } & Omit<Props, 'phases'>) {
  const vendor = audience === 'vendor'
  const itemError = error && error.itemId === item.id ? error.message : null
  return (
    <li
      className="rounded-md border border-slate-200 bg-white p-3"
      data-testid="plan-item"
      data-item-title={item.title}
      id={`item-${item.id}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <ItemStatusBadge status={item.status} />
            <h4 className="font-medium text-slate-900">{item.title}</h4>
            <span
              className={`rounded px-1.5 py-0.5 text-[11px] font-semibold ${item.required ? 'bg-slate-800 text-white' : 'bg-slate-100 text-slate-600'}`}
            >
              {item.required ? 'Required' : 'Optional'}
            </span>
          </div>
          <p className="mt-1 text-xs text-slate-600">
            {item.ownerName ? <>Owner: {item.ownerName} · </> : null}
            {item.dueDate ? (
              <span className={item.overdue ? 'font-semibold text-red-700' : ''}>
                Due {formatDate(item.dueDate)}
                {item.overdue ? ' (overdue)' : ''}
              </span>
            ) : (
              'No due date'
            )}
            {item.closedAt && item.status === 'done' ? (
              <> · Done {formatDate(item.closedAt)}</>
            ) : null}
          </p>
          {item.rule ? (
            <p className="mt-1 text-xs text-slate-600" data-testid="rule-reason">
              <span className="font-medium text-slate-700">
                Closes when {item.rule.description}.
              </span>{' '}
              {item.ruleReason ? (
                <span className={item.ruleMet ? 'text-emerald-800' : 'text-slate-600'}>
                  {item.ruleReason}
                </span>
              ) : null}
            </p>
          ) : null}
        </div>
        {canWrite && vendor ? (
          <Form method="post" className="flex items-center gap-1">
            <input type="hidden" name="itemId" value={item.id} />
            <label htmlFor={`status-${item.id}`} className="sr-only">
              Status of {item.title}
            </label>
            <select
              id={`status-${item.id}`}
              name="status"
              defaultValue={item.status}
              className="rounded-md border-0 py-1 pl-2 pr-7 text-xs ring-1 ring-inset ring-slate-300"
            >
              {ITEM_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {ITEM_STATUS_LABELS[status]}
                </option>
              ))}
            </select>
            <SubmitButton
              variant="secondary"
              className="!px-2 !py-1 !text-xs"
              name="intent"
              value="move-item"
              pendingFor={['itemId', item.id]}
              pendingText="Moving…"
            >
              Move
            </SubmitButton>
          </Form>
        ) : null}
      </div>
      {itemError ? (
        <p role="alert" className="mt-2 rounded bg-red-50 px-2 py-1 text-xs text-red-800">
          {itemError}
        </p>
      ) : null}
      {item.cases.length > 0 ? (
        <ul className="mt-2 space-y-1 text-xs" aria-label="Linked cases">
          {item.cases.map((entry) => (
            <li key={entry.key} className="flex flex-wrap items-center gap-2">
              {entry.latest ? <VerdictBadge verdict={entry.latest.verdict} /> : null}
              {entry.latest && caseHref ? (
                <Link
                  to={caseHref(entry.latest.runId, entry.latest.seq)}
                  className="text-indigo-700 hover:underline"
                >
                  {entry.title}
                </Link>
              ) : (
                <span>{entry.title}</span>
              )}
              {entry.latest ? (
                <span className="text-slate-500">
                  {entry.latest.environment}, {formatDate(entry.latest.at)}
                </span>
              ) : (
                <span className="text-slate-500">not run for this partner yet</span>
              )}
              {canWrite && vendor ? (
                <Form method="post" className="inline">
                  <input type="hidden" name="itemId" value={item.id} />
                  <input type="hidden" name="caseKey" value={entry.key} />
                  <SubmitButton
                    variant="ghost"
                    className="!px-1 !py-0 !text-xs !font-normal text-slate-500"
                    name="intent"
                    value="unlink-case"
                    pendingFor={['caseKey', entry.key]}
                    pendingText="…"
                  >
                    Unlink<span className="sr-only"> {entry.title}</span>
                  </SubmitButton>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <Files files={item.files} filesBase={filesBase} />
      <details className="mt-2 text-sm" open={Boolean(itemError)}>
        <summary className="cursor-pointer text-xs font-medium text-indigo-700">
          Notes ({item.notes.length}){canWrite ? ', files and edits' : ''}
        </summary>
        <div className="mt-2 space-y-3 border-l-2 border-slate-100 pl-3">
          {item.notes.length > 0 ? (
            <ul className="space-y-2">
              {item.notes.map((note) => (
                <li key={note.id} className="text-xs">
                  <p className="text-slate-500">
                    {note.authorName || 'Someone'}, {formatDateTime(note.createdAt)}
                    {note.internal ? (
                      <span className="ml-2 rounded bg-amber-100 px-1 font-semibold text-amber-900">
                        Internal
                      </span>
                    ) : null}
                  </p>
                  <p className="whitespace-pre-wrap break-words text-slate-800">{note.body}</p>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-xs text-slate-500">No notes yet.</p>
          )}
          {canWrite ? (
            <>
              {/* Keyed by the note count: a saved note gives a fresh, empty form. */}
              <Form method="post" className="space-y-2" key={`note-form-${item.notes.length}`}>
                <input type="hidden" name="itemId" value={item.id} />
                <label
                  htmlFor={`note-${item.id}`}
                  className="block text-xs font-medium text-slate-700"
                >
                  Add a note
                </label>
                <textarea
                  id={`note-${item.id}`}
                  name="body"
                  rows={2}
                  maxLength={5000}
                  required
                  className={inputClass}
                />
                <div className="flex flex-wrap items-center gap-3">
                  {vendor ? (
                    <label className="flex items-center gap-1 text-xs text-slate-700">
                      <input type="checkbox" name="internal" value="on" /> Internal (the partner
                      never sees it)
                    </label>
                  ) : null}
                  <SubmitButton
                    variant="secondary"
                    className="!py-1 !text-xs"
                    name="intent"
                    value="add-note"
                    pendingFor={['itemId', item.id]}
                    pendingText="Saving…"
                  >
                    Add note
                  </SubmitButton>
                </div>
              </Form>
              <UploadForm key={`upload-${item.files.length}`} itemId={item.id} phase={phase} />
              {vendor ? (
                <details>
                  <summary className="cursor-pointer text-xs font-medium text-slate-700">
                    Edit or delete the item
                  </summary>
                  <Form method="post" className="mt-2 grid gap-2 sm:grid-cols-2">
                    <input type="hidden" name="itemId" value={item.id} />
                    <div className="sm:col-span-2">
                      <label htmlFor={`title-${item.id}`} className="block text-xs font-medium">
                        Title
                      </label>
                      <input
                        id={`title-${item.id}`}
                        name="title"
                        defaultValue={item.title}
                        required
                        maxLength={200}
                        className={inputClass}
                      />
                    </div>
                    <div>
                      <label htmlFor={`owner-${item.id}`} className="block text-xs font-medium">
                        Owner
                      </label>
                      <input
                        id={`owner-${item.id}`}
                        name="ownerName"
                        defaultValue={item.ownerName}
                        maxLength={100}
                        className={inputClass}
                      />
                    </div>
                    <div>
                      <label htmlFor={`due-${item.id}`} className="block text-xs font-medium">
                        Due date
                      </label>
                      <input
                        id={`due-${item.id}`}
                        name="dueDate"
                        type="date"
                        defaultValue={item.dueDate ?? ''}
                        className={inputClass}
                      />
                    </div>
                    <label className="flex items-center gap-1 text-xs text-slate-700">
                      <input
                        type="checkbox"
                        name="required"
                        value="on"
                        defaultChecked={item.required}
                      />{' '}
                      Required to complete the phase
                    </label>
                    <div className="flex items-center justify-end gap-2 sm:col-span-2">
                      <SubmitButton
                        variant="secondary"
                        className="!py-1 !text-xs"
                        name="intent"
                        value="update-item"
                        pendingFor={['itemId', item.id]}
                        pendingText="Saving…"
                      >
                        Save
                      </SubmitButton>
                    </div>
                  </Form>
                  <Form method="post" className="mt-2">
                    <input type="hidden" name="itemId" value={item.id} />
                    <ConfirmAction
                      label={
                        <>
                          Delete item<span className="sr-only"> {item.title}</span>
                        </>
                      }
                      confirmLabel="Delete the item"
                      value="delete-item"
                      pendingFor={['itemId', item.id]}
                      compact
                    >
                      Its notes go with it; files attached to it stay in the evidence record.
                    </ConfirmAction>
                  </Form>
                </details>
              ) : null}
            </>
          ) : null}
        </div>
      </details>
    </li>
  )
}

export function PlanBoard({ phases, audience, canWrite, filesBase, caseHref, error }: Props) {
  return (
    <div className="space-y-6">
      {phases.map((phase, index) => {
        const phaseError =
          error && !error.itemId && error.phase === phase.phase ? error.message : null
        return (
          <section
            key={phase.phase}
            aria-labelledby={`phase-${phase.phase}`}
            className="rounded-lg border border-slate-200 bg-slate-50 p-4"
            data-testid="plan-phase"
            data-phase={phase.phase}
          >
            <header className="flex flex-wrap items-baseline justify-between gap-2">
              <h3 id={`phase-${phase.phase}`} className="text-base font-semibold text-slate-900">
                {index + 1}. {phase.label}
              </h3>
              <span
                className={`text-sm ${phase.complete ? 'font-semibold text-emerald-800' : 'text-slate-600'}`}
                data-testid="phase-progress"
              >
                {phase.complete
                  ? 'Complete'
                  : `${phase.requiredDone} of ${phase.requiredTotal} required items done`}
              </span>
            </header>
            {phaseError ? (
              <p role="alert" className="mt-2 rounded bg-red-50 px-2 py-1 text-xs text-red-800">
                {phaseError}
              </p>
            ) : null}
            {phase.items.length === 0 ? (
              <p className="mt-3 text-sm text-slate-500">No items in this phase.</p>
            ) : (
              <ul className="mt-3 space-y-2">
                {phase.items.map((item) => (
                  <Item
                    key={item.id}
                    item={item}
                    phase={phase.phase}
                    audience={audience}
                    canWrite={canWrite}
                    filesBase={filesBase}
                    caseHref={caseHref}
                    error={error}
                  />
                ))}
              </ul>
            )}
            {phase.files.length > 0 ? (
              <div className="mt-3">
                <h4 className="text-xs font-semibold text-slate-700">Phase evidence</h4>
                <Files files={phase.files} filesBase={filesBase} />
              </div>
            ) : null}
            {canWrite ? (
              <details className="mt-3" open={Boolean(phaseError)}>
                <summary className="cursor-pointer text-xs font-medium text-indigo-700">
                  {audience === 'vendor'
                    ? 'Add an item or attach evidence to the phase'
                    : 'Attach evidence to the phase'}
                </summary>
                <div className="mt-2 space-y-3">
                  {audience === 'vendor' ? (
                    <Form method="post" className="grid gap-2 sm:grid-cols-4">
                      <input type="hidden" name="phase" value={phase.phase} />
                      <div className="sm:col-span-2">
                        <label
                          htmlFor={`new-title-${phase.phase}`}
                          className="block text-xs font-medium"
                        >
                          New item
                        </label>
                        <input
                          id={`new-title-${phase.phase}`}
                          name="title"
                          required
                          maxLength={200}
                          className={inputClass}
                        />
                      </div>
                      <div>
                        <label
                          htmlFor={`new-owner-${phase.phase}`}
                          className="block text-xs font-medium"
                        >
                          Owner
                        </label>
                        <input
                          id={`new-owner-${phase.phase}`}
                          name="ownerName"
                          maxLength={100}
                          className={inputClass}
                        />
                      </div>
                      <div>
                        <label
                          htmlFor={`new-due-${phase.phase}`}
                          className="block text-xs font-medium"
                        >
                          Due date
                        </label>
                        <input
                          id={`new-due-${phase.phase}`}
                          name="dueDate"
                          type="date"
                          className={inputClass}
                        />
                      </div>
                      <label className="flex items-center gap-1 text-xs text-slate-700 sm:col-span-3">
                        <input type="checkbox" name="required" value="on" defaultChecked /> Required
                        to complete the phase
                      </label>
                      <div className="flex justify-end">
                        <SubmitButton
                          variant="secondary"
                          className="!py-1 !text-xs"
                          name="intent"
                          value="add-item"
                          pendingFor={['phase', phase.phase]}
                          pendingText="Adding…"
                        >
                          Add item
                        </SubmitButton>
                      </div>
                    </Form>
                  ) : null}
                  <UploadForm key={`upload-${phase.files.length}`} phase={phase.phase} />
                </div>
              </details>
            ) : null}
          </section>
        )
      })}
    </div>
  )
}
