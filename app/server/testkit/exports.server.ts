/**
 * A run as files: JUnit XML (CI dashboards), JSON (scripts), a failure log
 * (people), and each case as a curl command with its secrets replaced by
 * placeholders. Recordings are already redacted; nothing secret is added.
 */
import { CATEGORY_LABELS, goldenTemplate } from '~/shared/golden-templates'
import { REDACTED } from '../redact.server'
import type { Assertion } from './model.server'
import type { StoredExchange } from './recording.server'

export type ExportRun = {
  id: string
  status: string
  spec: string
  environment: string
  partner: string | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  counts: Record<string, number>
  profile: unknown
}

export type ExportCase = {
  seq: number
  key: string
  templateId: string
  category: string
  operationId: string
  title: string
  level: string
  verdict: string
  reason: string | null
  durationMs: number | null
  assertions: Assertion[]
  exchanges: StoredExchange[]
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  )
}

function failureText(entry: ExportCase): string {
  const failing = entry.assertions.filter(
    (assertion) => !assertion.passed && assertion.severity !== 'warning',
  )
  return [
    entry.reason ?? '',
    ...failing.map(
      (assertion) =>
        `${assertion.name}: expected ${assertion.expected}; got ${assertion.actual}${assertion.pointer ? ` (${assertion.pointer})` : ''}`,
    ),
  ]
    .filter(Boolean)
    .join('\n')
}

export function junitXml(run: ExportRun, cases: ExportCase[]): string {
  const byCategory = new Map<string, ExportCase[]>()
  for (const entry of cases)
    byCategory.set(entry.category, [...(byCategory.get(entry.category) ?? []), entry])
  const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3)
  const suites = [...byCategory.entries()].map(([category, entries]) => {
    const failures = entries.filter((entry) => entry.verdict === 'failed').length
    const errors = entries.filter((entry) => entry.verdict === 'errored').length
    const skipped = entries.filter((entry) =>
      ['skipped', 'needs_config', 'pending'].includes(entry.verdict),
    ).length
    const time = entries.reduce((sum, entry) => sum + (entry.durationMs ?? 0), 0)
    const body = entries
      .map((entry) => {
        const open = `    <testcase name="${xml(entry.title)}" classname="${xml(entry.templateId)}" time="${seconds(entry.durationMs)}">`
        const properties = `      <properties><property name="key" value="${xml(entry.key)}"/><property name="level" value="${entry.level}"/><property name="verdict" value="${entry.verdict}"/></properties>`
        let inner = ''
        if (entry.verdict === 'failed')
          inner = `      <failure message="${xml((entry.reason ?? failureText(entry)).slice(0, 500))}" type="${xml(entry.templateId)}">${xml(failureText(entry))}</failure>`
        else if (entry.verdict === 'errored')
          inner = `      <error message="${xml((entry.reason ?? 'errored').slice(0, 500))}" type="errored">${xml(failureText(entry))}</error>`
        else if (entry.verdict !== 'passed')
          inner = `      <skipped message="${xml(`${entry.verdict === 'needs_config' ? 'needs configuration: ' : ''}${entry.reason ?? entry.verdict}`.slice(0, 500))}"/>`
        return [open, properties, inner, '    </testcase>'].filter(Boolean).join('\n')
      })
      .join('\n')
    const label = CATEGORY_LABELS[category as keyof typeof CATEGORY_LABELS] ?? category
    return `  <testsuite name="${xml(`${run.spec} · ${label}`)}" tests="${entries.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(time)}" timestamp="${run.startedAt ?? run.createdAt}">\n${body}\n  </testsuite>`
  })
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`${run.spec} on ${run.environment}`)}" tests="${cases.length}" failures="${cases.filter((entry) => entry.verdict === 'failed').length}" errors="${cases.filter((entry) => entry.verdict === 'errored').length}">\n${suites.join('\n')}\n</testsuites>\n`
}

export function resultsJson(run: ExportRun, cases: ExportCase[]) {
  return JSON.stringify({ run, cases }, null, 2)
}

export function failureLog(run: ExportRun, cases: ExportCase[]): string {
  const failing = cases.filter((entry) => entry.verdict === 'failed' || entry.verdict === 'errored')
  const lines = [
    `${run.spec} on ${run.environment}${run.partner ? ` for ${run.partner}` : ''}: ${run.status}`,
    `Run ${run.id}, started ${run.startedAt ?? run.createdAt}, finished ${run.finishedAt ?? '—'}`,
    `${run.counts.passed ?? 0} passed, ${run.counts.failed ?? 0} failed, ${run.counts.errored ?? 0} errored, ${run.counts.needs_config ?? 0} need configuration, ${run.counts.skipped ?? 0} skipped`,
    '',
  ]
  if (failing.length === 0) lines.push('No case failed or errored.')
  for (const entry of failing) {
    const template = goldenTemplate(entry.templateId)
    const first = entry.exchanges[0]
    lines.push(`#${entry.seq} [${entry.verdict.toUpperCase()}, ${entry.level}] ${entry.title}`)
    lines.push(`  template: ${entry.templateId}${template ? ` (${template.title})` : ''}`)
    for (const line of failureText(entry).split('\n')) lines.push(`  ${line}`)
    if (first)
      lines.push(
        `  request: ${first.request.method} ${first.request.url} -> ${first.response ? first.response.status : (first.error?.message ?? 'no answer')}`,
      )
    if (template) lines.push(`  how to fix: ${template.fix}`)
    lines.push('')
  }
  return `${lines.join('\n')}\n`
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/** A placeholder for a redacted value: `$API_TOKEN` for Authorization, `$X_API_KEY` for a header… */
function placeholder(name: string): string {
  if (/^authorization$/i.test(name)) return '$API_TOKEN'
  return `$${name.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`
}

/** A curl command reproducing a recorded request, its secrets replaced by shell placeholders. */
export function curlCommand(exchange: StoredExchange): string {
  const { request } = exchange
  const parts = ['curl', '-i', '-X', request.method]
  let url = request.url
  try {
    const parsed = new URL(request.url)
    for (const [name, value] of [...parsed.searchParams.entries()])
      if (value === REDACTED) parsed.searchParams.set(name, `\${${placeholder(name).slice(1)}}`)
    url = parsed.toString().replace(/%24%7B([A-Z0-9_]+)%7D/g, '${$1}')
  } catch {
    // keep as recorded
  }
  const needsExpansion = /\$\{[A-Z0-9_]+\}/.test(url)
  parts.push(needsExpansion ? `"${url.replace(/"/g, '\\"')}"` : shellQuote(url))
  for (const [name, value] of Object.entries(request.headers)) {
    if (/^(host|content-length|connection)$/i.test(name)) continue
    if (value.includes(REDACTED)) {
      const scheme = /^([A-Za-z][\w-]*) \[redacted\]$/.exec(value)?.[1]
      parts.push('-H', `"${name}: ${scheme ? `${scheme} ` : ''}${placeholder(name)}"`)
    } else parts.push('-H', shellQuote(`${name}: ${value}`))
  }
  if (request.body !== null && request.body !== '')
    parts.push('--data-raw', shellQuote(request.body))
  return parts.join(' ')
}
