/**
 * The assistant on the app's pages: the form the panel posts (subject, prompt,
 * question, the page to return to), the answer after a plain form post (ask,
 * then back to the page, which shows the stored conversation) and the streamed
 * answer (`token` events, then `done` or `error`). Vendor and partner routes
 * call these after their own access check.
 */
import { createCookie, redirect } from '@remix-run/node'
import { z } from 'zod'
import {
  type AssistantAnswer,
  type AssistantSubject,
  MAX_QUESTION_CHARS,
  PROMPT_KINDS,
  type PromptKind,
} from '~/shared/assistant'
import { ASSISTANT_FLASH_COOKIE } from '../app-cookies.server'
import { getEnv } from '../env.server'
import { jsonError, notFound, safeRedirectPath } from '../http.server'
import { liveStream } from '../sse.server'
import { ask, conversationFor } from './ask.server'
import { AssistantError, type AssistantScope } from './scope.server'

/** Prompts a project VIEWER may ask; anything else (a draft annotation, an unknown prompt) needs project:write. */
const READ_PROMPTS: readonly string[] = PROMPT_KINDS.filter((kind) => kind !== 'draft-annotation')

/** True when the posted prompt needs write access (a draft annotation, or a prompt that is no prompt). */
export function promptNeedsWrite(formData: FormData): boolean {
  return !READ_PROMPTS.includes(String(formData.get('prompt') ?? ''))
}

const ref = z.string().trim().min(1).max(200)

const AskFormSchema = z
  .object({
    subjectKind: z.enum(['case', 'run', 'trace', 'operation', 'next-steps']),
    runId: ref.optional(),
    seq: z.coerce.number().int().positive().max(1_000_000).optional(),
    traceId: ref.optional(),
    specId: ref.optional(),
    operationId: z.string().trim().min(1).max(500).optional(),
    prompt: z.enum(PROMPT_KINDS),
    question: z
      .string()
      .trim()
      .min(1, 'Ask a question.')
      .max(MAX_QUESTION_CHARS, `A question is at most ${MAX_QUESTION_CHARS} characters.`),
    redirectTo: z.string().max(2000).optional(),
  })
  .transform((form, context) => {
    const subject = subjectOf(form)
    if (!subject) {
      context.addIssue({
        code: 'custom',
        message: `A ${form.subjectKind} question needs its ${form.subjectKind === 'case' ? 'runId and seq' : form.subjectKind === 'operation' ? 'specId and operationId' : `${form.subjectKind}Id`}.`,
      })
      return z.NEVER
    }
    return {
      prompt: form.prompt,
      question: form.question,
      subject,
      redirectTo: form.redirectTo,
    }
  })

export type AskForm = {
  prompt: PromptKind
  question: string
  subject: AssistantSubject
  redirectTo?: string
}

function subjectOf(form: {
  subjectKind: AssistantSubject['kind']
  runId?: string
  seq?: number
  traceId?: string
  specId?: string
  operationId?: string
}): AssistantSubject | null {
  switch (form.subjectKind) {
    case 'case':
      return form.runId && form.seq ? { kind: 'case', runId: form.runId, seq: form.seq } : null
    case 'run':
      return form.runId ? { kind: 'run', runId: form.runId } : null
    case 'trace':
      return form.traceId ? { kind: 'trace', traceId: form.traceId } : null
    case 'operation':
      return form.specId && form.operationId
        ? { kind: 'operation', specId: form.specId, operationId: form.operationId }
        : null
    case 'next-steps':
      return { kind: 'next-steps' }
  }
}

/** The posted form as a question; a malformed one is a 400 that says what is wrong. */
export function parseAskForm(formData: FormData): AskForm {
  const fields: Record<string, string> = {}
  for (const [name, value] of formData)
    if (typeof value === 'string' && value !== '') fields[name] = value
  const parsed = AskFormSchema.safeParse(fields)
  if (!parsed.success)
    throw new Response(parsed.error.issues.map((issue) => issue.message).join(' '), {
      status: 400,
    })
  return parsed.data
}

/** The key a panel recognises its own flash message by. */
export function subjectKey(subject: AssistantSubject): string {
  return JSON.stringify(subject)
}

/** Why the last plain form post got no answer, shown in the panel of the page it came from. */
export type AssistantFlash = {
  message: string
  status: number
  prompt: PromptKind
  question: string
  subject: string
}

let flashCookie: ReturnType<typeof createCookie> | undefined
function assistantFlashCookie() {
  flashCookie ??= createCookie(ASSISTANT_FLASH_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secrets: [getEnv().SESSION_SECRET],
    maxAge: 60,
  })
  return flashCookie
}

function toPanel(path: string) {
  return path.includes('#') ? path : `${path}#assistant`
}

/**
 * Without JavaScript: asks, then sends the browser back to the page it asked
 * from, where the panel shows the stored conversation. A refusal (rate limit,
 * bad input) goes back with the message for the panel; a subject the asker
 * cannot see is a 404.
 */
export async function askFromPage(
  scope: AssistantScope,
  form: AskForm,
  fallback: string,
): Promise<Response> {
  const back = toPanel(safeRedirectPath(form.redirectTo, fallback))
  try {
    await ask(scope, { prompt: form.prompt, question: form.question, subject: form.subject })
  } catch (error) {
    if (!(error instanceof AssistantError)) throw error
    if (error.status === 404) throw notFound(error.message)
    const flash: AssistantFlash = {
      message: error.message,
      status: error.status,
      prompt: form.prompt,
      question: form.question.slice(0, MAX_QUESTION_CHARS),
      subject: subjectKey(form.subject),
    }
    return redirect(back, {
      headers: { 'Set-Cookie': await assistantFlashCookie().serialize(flash) },
    })
  }
  return redirect(back)
}

/**
 * With JavaScript: the answer as server-sent events over the POST's response,
 * `token` (a piece of text) as the model writes, then `done` (the
 * AssistantAnswer) or `error` ({message, status}). A refusal before the first
 * token (not yours, rate limit, bad input) is a plain HTTP error with that
 * status and `{error}`, so a client sees it without reading a stream.
 */
export async function streamAnswer(
  request: Request,
  scope: AssistantScope,
  form: AskForm,
): Promise<Response> {
  const aborter = new AbortController()
  request.signal.addEventListener('abort', () => aborter.abort(), { once: true })
  const early: string[] = []
  let forward: ((text: string) => void) | null = null
  let firstToken = () => {}
  const started = new Promise<void>((resolve) => (firstToken = resolve))
  let failure: { error: unknown } | null = null
  const answering: Promise<AssistantAnswer> = ask(
    scope,
    { prompt: form.prompt, question: form.question, subject: form.subject },
    {
      signal: aborter.signal,
      onToken: (text) => {
        if (forward) forward(text)
        else early.push(text)
        firstToken()
      },
    },
  )
  const settled = answering.then(
    () => undefined,
    (error: unknown) => {
      failure = { error }
    },
  )
  await Promise.race([started, settled])
  const refused = failure as { error: unknown } | null
  if (early.length === 0 && refused?.error instanceof AssistantError)
    return jsonError(refused.error.status, refused.error.message, { status: refused.error.status })
  return liveStream(request, async (send, signal) => {
    signal.addEventListener('abort', () => aborter.abort(), { once: true })
    for (const text of early) send('token', text)
    forward = (text) => send('token', text)
    try {
      send('done', await answering)
    } catch (error) {
      if (error instanceof AssistantError)
        send('error', { message: error.message, status: error.status })
      else {
        console.error('[assistant] streamed answer failed:', error)
        send('error', { message: 'The assistant failed to answer. Try again.', status: 500 })
      }
    }
  })
}

/**
 * What a page's panel shows: the conversation about `subject`, and the message
 * of the last refused plain form post about it (read once: `headers` clears it).
 */
export async function assistantPanelData(
  request: Request,
  scope: AssistantScope,
  subject: AssistantSubject,
) {
  const conversation = await conversationFor(scope, subject)
  const headers = new Headers()
  let flash: AssistantFlash | null = null
  const cookie = request.headers.get('cookie')
  if (cookie?.includes(`${ASSISTANT_FLASH_COOKIE}=`)) {
    const value: unknown = await assistantFlashCookie().parse(cookie)
    if (value && typeof value === 'object' && 'message' in value) {
      const stored = value as AssistantFlash
      if (stored.subject === subjectKey(subject)) flash = stored
      headers.append('Set-Cookie', await assistantFlashCookie().serialize('', { maxAge: 0 }))
    }
  }
  return { panel: { conversation, flash, subject }, headers }
}

/** The scope of a project member asking on a vendor page. */
export function vendorScope(access: { project: { id: string }; user: { id: string } }) {
  return {
    projectId: access.project.id,
    partnerProjectId: null,
    userId: access.user.id,
    via: 'page',
  } satisfies AssistantScope
}

/** The scope of a partner user asking in its partner portal. */
export function partnerScope(access: {
  project: { id: string }
  partnerProject: { id: string }
  user: { id: string }
}) {
  return {
    projectId: access.project.id,
    partnerProjectId: access.partnerProject.id,
    userId: access.user.id,
    via: 'page',
  } satisfies AssistantScope
}
