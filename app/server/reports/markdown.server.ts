/**
 * A readiness report as Markdown (GitHub-flavoured: tables), the same
 * sections as the HTML view. Text that partners, people or APIs wrote is
 * escaped: Markdown punctuation gets a backslash and `<`, `>`, `&` become
 * entities, so a note can neither add links, images, headings or table
 * cells nor smuggle raw HTML (or an entity) into whatever renders the file.
 */
import { formatDate, formatDateTime } from '~/shared/format'
import { BLOCKER_LABELS, type SnapshotMeta, TRIGGER_LABELS } from './html.server'
import { type Audience, forAudience, type ReadinessReport, SCORE_WEIGHTS } from './readiness.server'

const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' }

/**
 * Inline punctuation everywhere (emphasis, code, links and images through
 * their brackets, table pipes, strikethrough, raw HTML, autolinks), block
 * markers (headings, lists, rules, setext underlines) at the start of a line.
 */
function escapeLine(line: string): string {
  return line
    .replace(/[\\`*_[\]|~]/g, (char) => `\\${char}`)
    .replace(/[<>]|&(?=#?[a-z0-9]+;)/gi, (char) => ENTITIES[char]!)
    .replace(/:\/\//g, '\\://')
    .replace(/^(\s*)([#+\-=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2')
    .replace(/^\s+/, (spaces) => '&#32;'.repeat(spaces.length))
}

/** One line of inline text (line breaks become spaces): safe in a paragraph or a table cell. */
export function escapeMarkdown(value: unknown): string {
  return escapeLine(
    String(value ?? '')
      .replace(/[\r\n\t]+/g, ' ')
      .trim(),
  )
}

/** Text that keeps its line breaks, inside a list item (hard breaks, indented continuation). */
function escapeBlock(value: string, indent: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .trim()
    .split('\n')
    .map((line) => escapeLine(line.replace(/\t/g, '  ')) || '&#32;')
    .join(`\\\n${indent}`)
}

const code = (value: string) => `\`${value.replace(/`/g, "'")}\``
const n = (value: number) => value.toLocaleString('en-GB')
const pct = (value: number | null) => (value === null ? 'n/a' : `${value}%`)

function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const align = head.map((_, index) => (numeric.includes(index) ? '---:' : '---'))
  return [
    `| ${head.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n')
}

export function renderReportMarkdown(
  stored: ReadinessReport,
  { audience, snapshot }: { audience: Audience; snapshot: SnapshotMeta | null },
): string {
  const report = forAudience(stored, audience)
  const out: string[] = []
  const push = (...lines: string[]) => out.push(...lines)

  push(
    `# Readiness report: ${escapeMarkdown(report.partner.name)}`,
    '',
    `${escapeMarkdown(report.project.name)} · generated ${escapeMarkdown(formatDateTime(report.generatedAt))}${audience === 'partner' ? ' · partner version' : ''}`,
    '',
    `## Verdict: ${report.verdict === 'go' ? 'GO' : 'NO-GO'} · score ${report.score}/100`,
    '',
    ...report.reasons.map((reason) => `- ${escapeMarkdown(reason)}`),
    '',
  )

  push(`## Blockers (${n(report.blockerCount)})`, '')
  if (report.blockers.length === 0) push('Nothing blocks the go-live.', '')
  else
    push(
      table(
        ['Kind', 'Template / operation', 'Reason'],
        report.blockers.map((blocker) => [
          BLOCKER_LABELS[blocker.kind],
          [blocker.templateId, blocker.operationId]
            .filter((value): value is string => Boolean(value))
            .map((value) => escapeMarkdown(value))
            .join(' · ') || '—',
          escapeMarkdown(blocker.reason),
        ]),
      ),
      '',
    )

  const parts = report.scoreParts
  push(
    '## Score',
    '',
    `Score ${report.score}/100 = golden categories ${pct(parts.categories)} × ${SCORE_WEIGHTS.categories} + plan phases ${pct(parts.phases)} × ${SCORE_WEIGHTS.phases} + Required-operation traffic ${pct(parts.traces)} × ${SCORE_WEIGHTS.traces}, divided by the weights that count (a part marked n/a has nothing to measure and is left out).`,
    '',
    '### Golden categories',
    '',
    report.certification
      ? `From the certification run (the latest ${escapeMarkdown(report.certification.environmentLabel)} run): Required cases passed / Required cases.`
      : 'No certification run yet: every category is unproven.',
    '',
    table(
      ['Category', 'Required passed', 'Score'],
      report.categories.map((category) => [
        escapeMarkdown(category.label),
        category.requiredTotal > 0
          ? `${n(category.requiredPassed)} / ${n(category.requiredTotal)}`
          : '—',
        pct(category.percent),
      ]),
      [1, 2],
    ),
    '',
    '### Plan phases',
    '',
    table(
      ['Phase', 'Required done', 'Score', 'State'],
      report.phases.map((phase) => [
        escapeMarkdown(phase.label) + (report.currentPhase === phase.phase ? ' (current)' : ''),
        phase.requiredTotal > 0 ? `${n(phase.requiredDone)} / ${n(phase.requiredTotal)}` : '—',
        pct(phase.percent),
        phase.complete ? 'complete' : 'open',
      ]),
      [1, 2],
    ),
    '',
  )

  push('## Latest runs', '')
  if (report.runs.length === 0)
    push('The golden suite has not run to a verdict for this partner yet.', '')
  else
    push(
      table(
        ['Environment', 'Status', 'Finished', 'Spec', 'Required passed', 'Run'],
        report.runs.map((run) => [
          `${escapeMarkdown(run.environmentLabel)}${run.certification ? ' (certification)' : ''}: ${escapeMarkdown(run.environmentName)}`,
          escapeMarkdown(run.status),
          run.finishedAt ? escapeMarkdown(formatDateTime(run.finishedAt)) : '—',
          escapeMarkdown(run.spec),
          `${n(run.requiredPassed)} / ${n(run.requiredTotal)}`,
          code(run.runId),
        ]),
        [4],
      ),
      '',
    )

  const coverage = report.traceCoverage
  push(
    '## Trace coverage',
    '',
    `${n(coverage.covered)} of ${n(coverage.requiredTotal)} Required operations have verified, valid traffic (${pct(coverage.percent)}). ${n(coverage.total)} traces received, ${n(coverage.verifiedValid)} verified and valid, ${n(coverage.unmatched)} matching no operation.`,
    '',
  )
  if (coverage.operations.length > 0)
    push(
      table(
        ['Required operation', 'Spec', 'Traces', 'Verified & valid', 'Last', 'Coverage'],
        coverage.operations.map((operation) => [
          escapeMarkdown(`${operation.method} ${operation.path}`),
          escapeMarkdown(operation.specName),
          n(operation.total),
          n(operation.verifiedValid),
          operation.lastAt ? escapeMarkdown(formatDate(operation.lastAt)) : '—',
          operation.verifiedValid > 0 ? 'covered' : '**missing**',
        ]),
        [2, 3],
      ),
      '',
    )

  push(`## Open plan items (${n(report.openItems.length)})`, '')
  if (report.openItems.length === 0) push('Every plan item is done.', '')
  else
    push(
      table(
        ['Item', 'Phase', 'Status', 'Owner', 'Due'],
        report.openItems.map((item) => [
          escapeMarkdown(item.title) + (item.required ? '' : ' (optional)'),
          escapeMarkdown(item.phaseLabel),
          escapeMarkdown(item.status.replace('_', ' ')),
          escapeMarkdown(item.owner || '—'),
          item.due
            ? `${escapeMarkdown(formatDate(item.due))}${item.overdue ? ' **overdue**' : ''}`
            : '—',
        ]),
      ),
      '',
    )

  if (report.notes.length > 0) {
    push('## Notes', '')
    if (audience === 'vendor')
      push(
        '_Notes marked internal are the vendor’s only: the partner version leaves them out._',
        '',
      )
    for (const item of report.notes) {
      push(`### ${escapeMarkdown(item.itemTitle)} · ${escapeMarkdown(item.phaseLabel)}`, '')
      for (const note of item.notes)
        push(
          `- **${escapeMarkdown(note.author || 'Someone')}**, ${escapeMarkdown(formatDateTime(note.createdAt))}${note.internal ? ' _(internal)_' : ''}:\\\n  ${escapeBlock(note.body, '  ')}`,
        )
      push('')
    }
  }

  const evidence = report.evidence
  push(
    '## Evidence chain',
    '',
    evidence.ok
      ? `Verifies: ${n(evidence.entries)} entr${evidence.entries === 1 ? 'y' : 'ies'}, each record as it was recorded (checked ${escapeMarkdown(formatDateTime(evidence.checkedAt))}).`
      : `**Broken:** ${escapeMarkdown(evidence.firstBreak?.message ?? 'Verification failed.')}${evidence.problemCount > 1 ? ` ${n(evidence.problemCount)} problems in all.` : ''}`,
    '',
    evidence.head
      ? `Chain head: entry #${n(evidence.head.seq)} ${code(evidence.head.hash)}`
      : 'The chain is empty: no trace, run or file recorded yet.',
    '',
    '---',
    '',
  )
  if (snapshot)
    push(
      `Snapshot ${code(snapshot.id)}, ${TRIGGER_LABELS[snapshot.trigger] ?? escapeMarkdown(snapshot.trigger)} on ${escapeMarkdown(formatDateTime(snapshot.createdAt))}.`,
      '',
      `Content hash (SHA-256 of the report’s canonical JSON, RFC 8785): ${code(snapshot.contentHash)}${audience === 'partner' ? ' (of the full report, which also holds the vendor’s internal notes)' : ''}.`,
      '',
      ...(snapshot.chainSeq > 0
        ? [
            `Evidence chain anchored at entry #${n(snapshot.chainSeq)} ${code(snapshot.chainHash)}.`,
            '',
          ]
        : []),
    )
  else push(`Computed live on ${escapeMarkdown(formatDateTime(report.generatedAt))}.`, '')
  return out.join('\n')
}
