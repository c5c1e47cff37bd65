/** Settings → Audit trail: the entries of one page (with their details) and the page links. */
import { Link } from '@remix-run/react'
import type { AuditPage, AuditRow } from '~/server/audit/query.server'
import { AUDIT_PATH as BASE } from './audit-paths'

/** 2026-12-03 09:28:11 UTC: the same text on the server and in the browser. */
const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`

export function AuditEntriesTable({
  entries,
  projects,
}: {
  entries: AuditRow[]
  projects: { id: string; name: string }[]
}) {
  const projectNames = new Map(projects.map((project) => [project.id, project.name]))
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="audit-table">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th className="py-2 pr-3">Time (UTC)</th>
            <th className="py-2 pr-3">Actor</th>
            <th className="py-2 pr-3">Action</th>
            <th className="py-2 pr-3">Target</th>
            <th className="py-2 pr-3">IP</th>
            <th className="py-2">Details</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {entries.map((entry) => (
            <tr key={entry.id} data-testid="audit-row">
              <td className="whitespace-nowrap py-2 pr-3 font-mono text-xs text-slate-700">
                {utc(entry.createdAt)}
              </td>
              <td className="break-all py-2 pr-3">
                {entry.actorEmail || (
                  <span className="text-slate-500">
                    {entry.actorUserId ? 'deleted user' : 'system'}
                  </span>
                )}
              </td>
              <td className="py-2 pr-3 font-mono text-xs">{entry.action}</td>
              <td className="break-all py-2 pr-3 text-xs">
                {entry.targetType ? (
                  <>
                    <span className="text-slate-500">{entry.targetType}</span>{' '}
                    <span className="font-mono">{entry.targetId}</span>
                  </>
                ) : (
                  '—'
                )}
                {entry.projectId ? (
                  <div className="text-slate-500">
                    {`in ${projectNames.get(entry.projectId) ?? entry.projectId}`}
                  </div>
                ) : null}
              </td>
              <td className="whitespace-nowrap py-2 pr-3 font-mono text-xs">{entry.ip || '—'}</td>
              <td className="py-2">
                <details>
                  <summary className="cursor-pointer text-indigo-700">
                    {entry.seq ? `#${entry.seq}` : 'Details'}
                  </summary>
                  <dl className="mt-2 space-y-2 text-xs">
                    {entry.before !== null ? (
                      <div>
                        <dt className="font-semibold text-slate-700">Before</dt>
                        <dd>
                          <pre className="max-w-md overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2">
                            {entry.before}
                          </pre>
                        </dd>
                      </div>
                    ) : null}
                    {entry.after !== null ? (
                      <div>
                        <dt className="font-semibold text-slate-700">After</dt>
                        <dd>
                          <pre className="max-w-md overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2">
                            {entry.after}
                          </pre>
                        </dd>
                      </div>
                    ) : null}
                    {entry.details !== null ? (
                      <div>
                        <dt className="font-semibold text-slate-700">Metadata</dt>
                        <dd>
                          <pre className="max-w-md overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2">
                            {entry.details}
                          </pre>
                        </dd>
                      </div>
                    ) : null}
                    {entry.userAgent ? (
                      <div>
                        <dt className="font-semibold text-slate-700">User agent</dt>
                        <dd className="break-all">{entry.userAgent}</dd>
                      </div>
                    ) : null}
                    <div>
                      <dt className="font-semibold text-slate-700">Chain</dt>
                      <dd className="break-all font-mono">
                        {entry.seq ? `#${entry.seq} ${entry.hash}` : 'not linked yet'}
                      </dd>
                    </div>
                  </dl>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function AuditPagination({
  data,
}: {
  data: { filterQuery: string; page: Pick<AuditPage, 'newer' | 'older'> }
}) {
  const { filterQuery: query, page } = data
  const to = (extra: Record<string, string>) => {
    const params = new URLSearchParams([...new URLSearchParams(query), ...Object.entries(extra)])
    const text = params.toString()
    return text ? `${BASE}?${text}` : BASE
  }
  if (!page.newer && !page.older) return null
  const link = 'font-medium text-indigo-700 hover:underline'
  return (
    <nav
      aria-label="Audit trail pages"
      className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm"
    >
      <div className="flex gap-4">
        {page.newer ? (
          <>
            <Link to={to({})} className={link}>
              ⇤ Newest
            </Link>
            <Link to={to({ after: page.newer })} className={link} rel="prev">
              ← Newer entries
            </Link>
          </>
        ) : null}
      </div>
      {page.older ? (
        <Link to={to({ before: page.older })} className={link} rel="next">
          Older entries →
        </Link>
      ) : null}
    </nav>
  )
}
