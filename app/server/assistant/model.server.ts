/**
 * The model: any OpenAI-compatible chat-completions server, reached through
 * the `openai` package only (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL,
 * OPENAI_TIMEOUT_MS). Answers stream (`onToken` per piece of text) with usage
 * reported in the last chunk. No retries: the asker is waiting, and a failure
 * falls back to the troubleshooter at once. Failures are classified (timeout,
 * rate-limited, server error, cancelled, other) for the caller's notice and log.
 */
import OpenAI from 'openai'
import { getEnv } from '../env.server'
import { estimateTokens } from './budget.server'
import type { ChatMessage } from './prompts.server'

export type ModelConfig = { apiKey: string; baseURL?: string; model: string; timeoutMs: number }

/** The configured model, or null without OPENAI_API_KEY (the troubleshooter answers alone). */
export function modelConfig(env = getEnv()): ModelConfig | null {
  if (!env.OPENAI_API_KEY) return null
  return {
    apiKey: env.OPENAI_API_KEY,
    ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
    model: env.OPENAI_MODEL,
    timeoutMs: env.OPENAI_TIMEOUT_MS,
  }
}

export type ModelFailureKind = 'timeout' | 'rate-limited' | 'server-error' | 'cancelled' | 'other'

export class ModelFailure extends Error {
  constructor(
    readonly kind: ModelFailureKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message)
    this.name = 'ModelFailure'
  }
}

export type ModelAnswer = { text: string; tokensIn: number; tokensOut: number; model: string }

let cached: { key: string; client: OpenAI } | undefined

function clientFor(config: ModelConfig): OpenAI {
  const key = JSON.stringify([config.apiKey, config.baseURL, config.timeoutMs])
  if (cached?.key !== key)
    cached = {
      key,
      client: new OpenAI({
        apiKey: config.apiKey,
        ...(config.baseURL ? { baseURL: config.baseURL } : {}),
        timeout: config.timeoutMs,
        maxRetries: 0,
      }),
    }
  return cached.client
}

/** Any error of a model call -> a ModelFailure saying what happened. */
export function classifyFailure(
  error: unknown,
  { timedOut = false, cancelled = false } = {},
): ModelFailure {
  if (error instanceof ModelFailure) return error
  if (timedOut || error instanceof OpenAI.APIConnectionTimeoutError)
    return new ModelFailure('timeout', 'The model did not answer in time.')
  if (cancelled || error instanceof OpenAI.APIUserAbortError)
    return new ModelFailure('cancelled', 'The question was cancelled.')
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    if (error.status === 429)
      return new ModelFailure('rate-limited', 'The model server is rate limiting (429).', 429)
    if (error.status >= 500)
      return new ModelFailure(
        'server-error',
        `The model server failed (${error.status}).`,
        error.status,
      )
    return new ModelFailure(
      'other',
      `The model server refused the request (${error.status}).`,
      error.status,
    )
  }
  if (error instanceof OpenAI.APIConnectionError)
    return new ModelFailure('other', 'The model server could not be reached.')
  return new ModelFailure('other', `The model call failed: ${(error as Error)?.message ?? error}`)
}

/**
 * Streams a chat completion. Resolves with the whole text and the usage (the
 * server's, or estimated at 4 characters a token when it sends none); rejects
 * with a ModelFailure. The timeout covers the whole answer, not only its start.
 */
export async function complete(
  config: ModelConfig,
  messages: ChatMessage[],
  { onToken, signal }: { onToken?: (text: string) => void; signal?: AbortSignal } = {},
): Promise<ModelAnswer> {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, config.timeoutMs)
  const cancel = () => controller.abort()
  if (signal?.aborted) controller.abort()
  signal?.addEventListener('abort', cancel, { once: true })
  let text = ''
  let usage: { prompt_tokens: number; completion_tokens: number } | null = null
  let model = config.model
  try {
    const stream = await clientFor(config).chat.completions.create(
      {
        model: config.model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal: controller.signal },
    )
    for await (const chunk of stream) {
      if (chunk.model) model = chunk.model
      if (chunk.usage) usage = chunk.usage
      const piece = chunk.choices[0]?.delta?.content
      if (piece) {
        text += piece
        onToken?.(piece)
      }
    }
  } catch (error) {
    throw classifyFailure(error, { timedOut, cancelled: signal?.aborted === true })
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', cancel)
  }
  if (!text.trim()) throw new ModelFailure('other', 'The model returned an empty answer.')
  return {
    text,
    model,
    tokensIn:
      usage?.prompt_tokens ?? estimateTokens(messages.map((message) => message.content).join('\n')),
    tokensOut: usage?.completion_tokens ?? estimateTokens(text),
  }
}
