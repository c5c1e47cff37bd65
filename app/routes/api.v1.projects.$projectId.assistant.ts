import type { ActionFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { type AssistantSubject, MAX_QUESTION_CHARS, PROMPT_KINDS } from '~/shared/assistant'
import { requireApiToken } from '~/server/api-tokens.server'
import { ask, AssistantError } from '~/server/assistant/ask.server'
import { resolveOperation } from '~/server/assistant/api.server'
import { appOrigin, jsonError, readJsonBody } from '~/server/http.server'

const MAX_BODY_BYTES = 16 * 1024
const EXPECTED =
  '{"question": "...", "prompt": "troubleshoot", "caseId": "<runId>:<seq>" | "runId" | "traceId" | "operationId" (+ "specId")}'

const ref = z.string().trim().min(1).max(200)

const AskBody = z.object({
  question: z
    .string()
    .trim()
    .min(1, 'Ask a question.')
    .max(MAX_QUESTION_CHARS, `A question is at most ${MAX_QUESTION_CHARS} characters.`),
  prompt: z.enum(PROMPT_KINDS).optional(),
  /** `<runId>:<seq>`: the run and the case's number in it, as the case page's URL has them. */
  caseId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,100}:[1-9]\d{0,6}$/, 'caseId is "<runId>:<seq>", e.g. "cm1abc:4".')
    .optional(),
  runId: ref.optional(),
  traceId: ref.optional(),
  operationId: z.string().trim().min(1).max(500).optional(),
  specId: ref.optional(),
})

/**
 * POST /api/v1/projects/:projectId/assistant (project API token)
 * {question, prompt?, caseId?, runId?, traceId?, operationId?, specId?}
 * -> {answer, citations: [{kind, id, url, label}], source, notice}.
 * The subject is the first of caseId, traceId, operationId, runId given; none: the next steps.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonError(405, 'Method not allowed. Use POST.')
  const { token, project } = await requireApiToken(request, params.projectId)
  const body = await readJsonBody(request, MAX_BODY_BYTES, EXPECTED)
  if ('error' in body) return body.error
  const parsed = AskBody.safeParse(body.value)
  if (!parsed.success)
    return jsonError(400, 'Invalid body.', {
      problems: parsed.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      })),
    })
  const input = parsed.data
  try {
    let subject: AssistantSubject = { kind: 'next-steps' }
    if (input.caseId) {
      const [runId, seq] = input.caseId.split(':')
      subject = { kind: 'case', runId: runId!, seq: Number(seq) }
    } else if (input.traceId) subject = { kind: 'trace', traceId: input.traceId }
    else if (input.operationId)
      subject = await resolveOperation(project.id, input.operationId, input.specId)
    else if (input.runId) subject = { kind: 'run', runId: input.runId }
    const answer = await ask(
      {
        projectId: project.id,
        partnerProjectId: null,
        userId: null,
        apiTokenId: token.id,
        via: 'api',
        appOrigin: appOrigin(request),
      },
      {
        prompt: input.prompt ?? (subject.kind === 'next-steps' ? 'next-steps' : 'troubleshoot'),
        question: input.question,
        subject,
      },
      { signal: request.signal },
    )
    return Response.json({
      answer: answer.answer,
      citations: answer.citations,
      source: answer.source,
      notice: answer.notice,
    })
  } catch (error) {
    if (!(error instanceof AssistantError)) throw error
    const response = jsonError(error.status, error.message)
    if (error.retryAt)
      response.headers.set(
        'Retry-After',
        String(Math.max(1, Math.ceil((error.retryAt.getTime() - Date.now()) / 1000))),
      )
    return response
  }
}

export function loader() {
  return jsonError(405, 'Method not allowed. POST a question.')
}
