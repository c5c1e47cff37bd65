/**
 * Jira Cloud (REST API v3): an issue per failing case, opened with Basic
 * auth (email:API token) at POST {baseUrl}/rest/api/3/issue, the description
 * in Atlassian Document Format (summary, request, expected vs actual, link).
 * One issue per case key and partner project, ever: a JiraIssue row is
 * claimed before the call (the unique key is the lock), so two attempts for
 * the same failure never open two issues; a duplicate returns the stored key.
 */
import { db } from '../db.server'
import { fetchGuarded } from '../outbound.server'
import type { Assertion, Exchange } from '../testkit/model.server'
import type { JiraConfig } from './config.server'

export class JiraError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message)
    this.name = 'JiraError'
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]+/g

type AdfNode = Record<string, unknown>
const text = (value: string): AdfNode => ({ type: 'text', text: value || ' ' })
const paragraph = (...nodes: AdfNode[]): AdfNode => ({ type: 'paragraph', content: nodes })
const heading = (value: string): AdfNode => ({
  type: 'heading',
  attrs: { level: 3 },
  content: [text(value)],
})
const codeBlock = (value: string): AdfNode => ({ type: 'codeBlock', content: [text(value)] })
const clip = (value: string, max: number) =>
  value.length > max ? `${value.slice(0, max)}…` : value

function parse<T>(json: string, fallback: T): T {
  try {
    return JSON.parse(json) as T
  } catch {
    return fallback
  }
}

export type JiraCase = {
  title: string
  key: string
  reason: string | null
  exchanges: string
  assertions: string
  partner: string | null
  url: string
}

/** The issue's ADF description: what failed, the request sent, expected vs actual, a link back. */
export function jiraDescription(entry: JiraCase): AdfNode {
  const exchanges = parse<Exchange[]>(entry.exchanges, [])
  const failed = parse<Assertion[]>(entry.assertions, []).filter((assertion) => !assertion.passed)
  const first = exchanges[0]
  const content: AdfNode[] = [
    paragraph(text(clip(entry.reason ?? 'The case failed.', 2000))),
    paragraph(text(`Case: ${entry.key}${entry.partner ? ` · Partner: ${entry.partner}` : ''}`)),
  ]
  if (first) {
    content.push(heading('Request'))
    const request = [
      `${first.request.method} ${first.request.url}`,
      ...Object.entries(first.request.headers).map(([name, value]) => `${name}: ${value}`),
      ...(first.request.body ? ['', clip(first.request.body, 2000)] : []),
    ].join('\n')
    content.push(codeBlock(request))
    content.push(
      paragraph(
        text(
          first.response
            ? `Response: HTTP ${first.response.status}`
            : `No response: ${first.error?.message ?? 'unknown error'}`,
        ),
      ),
    )
  }
  if (failed.length > 0) {
    content.push(heading('Expected vs actual'))
    content.push({
      type: 'bulletList',
      content: failed.slice(0, 20).map((assertion) => ({
        type: 'listItem',
        content: [
          paragraph(
            text(
              clip(
                `${assertion.name}: expected ${assertion.expected}; actual ${assertion.actual}${assertion.pointer ? ` (${assertion.pointer})` : ''}`,
                1000,
              ),
            ),
          ),
        ],
      })),
    })
  }
  content.push(
    paragraph({
      type: 'text',
      text: 'Open the case in Integration Copilot',
      marks: [{ type: 'link', attrs: { href: entry.url } }],
    }),
  )
  return { type: 'doc', version: 1, content }
}

function basicAuth(config: JiraConfig) {
  return `Basic ${Buffer.from(`${config.email}:${config.apiToken}`).toString('base64')}`
}

function apiUrl(config: JiraConfig, path: string) {
  return `${config.baseUrl.replace(/\/+$/, '')}${path}`
}

async function jiraRequest(
  config: JiraConfig,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
) {
  const response = await fetchGuarded(apiUrl(config, path), {
    method,
    timeoutMs: 15_000,
    maxBytes: 256 * 1024,
    followRedirects: false,
    headers: {
      authorization: basicAuth(config),
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const textBody = new TextDecoder().decode(response.body)
  if (response.status < 200 || response.status >= 300) {
    const detail = parse<{ errorMessages?: string[]; errors?: Record<string, string> }>(
      textBody,
      {},
    )
    const messages = [...(detail.errorMessages ?? []), ...Object.values(detail.errors ?? {})]
    throw new JiraError(
      `Jira answered HTTP ${response.status}${messages.length ? `: ${clip(messages.join('; '), 300)}` : ''}`,
      [400, 401, 403, 404].includes(response.status),
    )
  }
  return parse<Record<string, unknown>>(textBody, {})
}

/** Checks the credentials (GET /rest/api/3/myself): the "Test" button. */
export async function testJira(config: JiraConfig): Promise<string> {
  const me = await jiraRequest(config, 'GET', '/rest/api/3/myself')
  return typeof me.displayName === 'string' ? me.displayName : config.email
}

export type JiraIssueRef = { key: string; url: string; created: boolean }

/** The stored issue for a failure, or null. */
export async function storedJiraIssue(
  projectId: string,
  caseKey: string,
  partnerProjectId: string | null,
) {
  const row = await db.jiraIssue.findUnique({
    where: {
      projectId_caseKey_partnerProjectId: {
        projectId,
        caseKey,
        partnerProjectId: partnerProjectId ?? '',
      },
    },
  })
  return row && row.key ? row : null
}

/**
 * Opens the issue for a failing case (once per case key and partner): claims
 * the JiraIssue row, calls Jira, stores the key; a failed call frees the claim.
 */
export async function createJiraIssue(
  projectId: string,
  config: JiraConfig,
  runCaseId: string,
  origin: string,
): Promise<JiraIssueRef> {
  const entry = await db.runCase.findFirst({
    where: { id: runCaseId, run: { projectId } },
    select: {
      id: true,
      seq: true,
      key: true,
      title: true,
      reason: true,
      exchanges: true,
      assertions: true,
      run: {
        select: { id: true, partnerProjectId: true, partnerProject: { select: { name: true } } },
      },
    },
  })
  if (!entry) throw new JiraError('The case no longer exists.', true)
  const partnerProjectId = entry.run.partnerProjectId ?? ''
  const where = {
    projectId_caseKey_partnerProjectId: { projectId, caseKey: entry.key, partnerProjectId },
  }
  const existing = await db.jiraIssue.findUnique({ where })
  if (existing?.key) return { key: existing.key, url: existing.url, created: false }
  if (existing) {
    // Claimed by an attempt still running (or one that died: freed after 2 minutes).
    if (Date.now() - existing.createdAt.getTime() < 120_000)
      throw new JiraError('Another attempt is opening this issue.')
    await db.jiraIssue.deleteMany({ where: { id: existing.id, key: '' } })
  }
  try {
    await db.jiraIssue.create({
      data: {
        projectId,
        caseKey: entry.key,
        partnerProjectId,
        runCaseId: entry.id,
        key: '',
        url: '',
      },
    })
  } catch (error) {
    if ((error as { code?: string }).code !== 'P2002') throw error
    const stored = await db.jiraIssue.findUnique({ where })
    if (stored?.key) return { key: stored.key, url: stored.url, created: false }
    throw new JiraError('Another attempt is opening this issue.')
  }
  const url = `${origin}/projects/${projectId}/tests/runs/${entry.run.id}/cases/${entry.seq}`
  const partner = entry.run.partnerProject?.name ?? null
  try {
    const created = await jiraRequest(config, 'POST', '/rest/api/3/issue', {
      fields: {
        project: { key: config.projectKey },
        issuetype: { name: config.issueType },
        // A summary is one line of at most 255 characters.
        summary: clip(
          `${partner ? `[${partner}] ` : ''}${entry.title}`.replace(CONTROL_CHARS, ' '),
          250,
        ),
        description: jiraDescription({ ...entry, partner, url }),
        labels: ['integration-copilot'],
      },
    })
    const key =
      typeof created.key === 'string' && /^[A-Z][A-Z0-9_]*-\d+$/.test(created.key)
        ? created.key
        : null
    if (!key) throw new JiraError('Jira did not return an issue key.')
    const browse = apiUrl(config, `/browse/${key}`)
    await db.jiraIssue.update({ where, data: { key, url: browse } })
    return { key, url: browse, created: true }
  } catch (error) {
    await db.jiraIssue.deleteMany({
      where: { ...where.projectId_caseKey_partnerProjectId, key: '' },
    })
    throw error
  }
}
