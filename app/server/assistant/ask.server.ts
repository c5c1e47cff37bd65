/**
 * Asking the assistant, end to end: limits -> context -> troubleshooter ->
 * model (streaming) or the troubleshooter with a notice -> citations from the
 * markers actually used -> conversation -> usage log. Pages (form post and
 * SSE) and the JSON API all call `ask`; the panel reads `conversationFor`.
 */
import {
  type AnswerSource,
  type AssistantAnswer,
  type AssistantSubject,
  MAX_QUESTION_CHARS,
  PROMPT_KINDS,
  type PromptKind,
} from '~/shared/assistant'
import { fitToBudget, truncate } from './budget.server'
import { resolveCitations } from './citations.server'
import { buildContext } from './context.server'
import { type ConversationMessage, readConversation, storeExchange } from './conversations.server'
import { checkRateLimit } from './limits.server'
import { classifyFailure, complete, type ModelFailureKind, modelConfig } from './model.server'
import { buildMessages, type ChatMessage } from './prompts.server'
import { type AssistantScope, AssistantError, audienceOf } from './scope.server'
import { redactorFor } from './secrets.server'
import { troubleshoot } from './troubleshooter.server'
import { type CallOutcome, logCall } from './usage.server'

export { AssistantError, type AssistantScope }

export const NO_MODEL_NOTICE = 'Richer answers need a model: set OPENAI_API_KEY.'

const FALLBACK = "here is the built-in troubleshooter's answer."

/** What the asker is told when the model failed, and how the call is logged. */
export const FAILURE_NOTICES: Record<ModelFailureKind, { notice: string; outcome: CallOutcome }> = {
  timeout: { notice: `The model did not answer in time; ${FALLBACK}`, outcome: 'timeout' },
  'rate-limited': {
    notice: `The model server is busy (429 Too Many Requests); ${FALLBACK}`,
    outcome: 'rate-limited-upstream',
  },
  'server-error': {
    notice: `The model server failed (a 5xx error); ${FALLBACK}`,
    outcome: 'upstream-error',
  },
  cancelled: { notice: `The question was cancelled; ${FALLBACK}`, outcome: 'cancelled' },
  other: { notice: `The model server could not answer; ${FALLBACK}`, outcome: 'upstream-error' },
}

/** Earlier turns given to the model: the last few, each cut short. */
const HISTORY_MESSAGES = 4
const HISTORY_CHARS = 1500

export type AskInput = { prompt: PromptKind; question: string; subject: AssistantSubject }

export type AskOptions = {
  /** Each piece of the model's text as it arrives (never called for troubleshooter answers). */
  onToken?: (text: string) => void
  /** Aborts the model call (the asker went away); the troubleshooter's answer is then kept. */
  signal?: AbortSignal
}

function validQuestion(input: AskInput): string {
  if (!PROMPT_KINDS.includes(input.prompt))
    throw new AssistantError(`Unknown prompt: choose one of ${PROMPT_KINDS.join(', ')}.`, 400)
  const question = typeof input.question === 'string' ? input.question.trim() : ''
  if (!question) throw new AssistantError('Ask a question.', 400)
  if (question.length > MAX_QUESTION_CHARS)
    throw new AssistantError(`A question is at most ${MAX_QUESTION_CHARS} characters.`, 400)
  return question
}

/**
 * Answers a question about a subject. Throws AssistantError before any work
 * when the question is malformed (400), the subject is not the asker's (404)
 * or the asker has used up the hour's questions (429). Never throws for the
 * model: without one, or when it fails, the troubleshooter answers with a notice.
 * The final `answer` is authoritative: the streamed text without any marker
 * that named no fact.
 */
export async function ask(
  scope: AssistantScope,
  input: AskInput,
  options: AskOptions = {},
): Promise<AssistantAnswer> {
  const started = Date.now()
  const typed = validQuestion(input)
  await checkRateLimit(scope)
  const redactor = await redactorFor(scope)
  const context = await buildContext(scope, input.subject, input.prompt, redactor)
  const draft = troubleshoot(context, input.prompt)
  const question = redactor.text(typed)

  let text = draft.text
  let source: AnswerSource = 'troubleshooter'
  let notice: string | null = null
  let outcome: CallOutcome = 'refused'
  let model = ''
  let tokensIn = 0
  let tokensOut = 0
  const config = draft.refused ? null : modelConfig()
  if (!draft.refused && !config) {
    outcome = 'no-model'
    notice = NO_MODEL_NOTICE
  } else if (config) {
    model = config.model
    const history = await historyFor(scope, input.subject)
    const messages = buildMessages({
      prompt: input.prompt,
      audience: audienceOf(scope),
      facts: fitToBudget(context.facts).facts,
      draft: draft.text,
      question,
      history: history.map((message) => ({ ...message, content: redactor.text(message.content) })),
    })
      // Everything was redacted as it was gathered; this pass is the last guard before leaving.
      .map((message) => ({ ...message, content: redactor.text(message.content) }))
    try {
      const answer = await complete(config, messages, options)
      text = answer.text
      source = 'model'
      outcome = 'ok'
      model = answer.model
      tokensIn = answer.tokensIn
      tokensOut = answer.tokensOut
    } catch (error) {
      const failure = classifyFailure(error)
      ;({ notice, outcome } = FAILURE_NOTICES[failure.kind])
      if (failure.kind === 'other') console.warn(`[assistant] ${failure.message}`)
    }
  }

  const resolved = resolveCitations(text, context.facts)
  const conversationId = await storeExchange(scope, input.subject, {
    prompt: input.prompt,
    question,
    answer: resolved.text,
    citations: resolved.citations,
    source,
  })
  await logCall(scope, {
    prompt: input.prompt,
    source,
    outcome,
    model,
    tokensIn,
    tokensOut,
    latencyMs: Date.now() - started,
  })
  const origin = scope.appOrigin ?? ''
  return {
    answer: resolved.text,
    citations: resolved.citations.map((citation) => ({
      ...citation,
      url: `${origin}${citation.url}`,
    })),
    source,
    notice,
    conversationId: conversationId ?? '',
  }
}

async function historyFor(
  scope: AssistantScope,
  subject: AssistantSubject,
): Promise<ChatMessage[]> {
  const conversation = await readConversation(scope, subject, HISTORY_MESSAGES)
  return (conversation?.messages ?? []).map((message) => ({
    role: message.role,
    content: truncate(message.content, HISTORY_CHARS),
  }))
}

/** The asker's conversation about a subject, for the panel; null when there is none (or no user). */
export async function conversationFor(
  scope: AssistantScope,
  subject: AssistantSubject,
): Promise<{ id: string; messages: ConversationMessage[] } | null> {
  return readConversation(scope, subject)
}
