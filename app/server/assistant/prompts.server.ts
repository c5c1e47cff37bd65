/**
 * The prompt templates, all in this one file and versioned: change a word
 * here, bump PROMPT_VERSION, and update the snapshot in prompts.server.test.ts
 * (the assembled messages for a fixed context). Pure.
 */
import type { PromptKind } from '~/shared/assistant'
import type { Fact } from './facts.server'
import type { Audience } from './scope.server'

/** Logged with nothing else, but named in the system message so an answer can be traced to its prompt. */
export const PROMPT_VERSION = 'assistant-2026-12-03.1'

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string }

const RULES = `You are the integration assistant of Integration Copilot (prompt ${PROMPT_VERSION}).
Rules:
1. Answer only from the facts in the user's message. Do not use outside knowledge about this API.
2. Cite every claim with the id of the fact it rests on, in square brackets exactly as the facts give it, e.g. [case:run123:4] or [operation:spec1:createOrder]. Cite only ids that appear in the facts.
3. Never invent fields, parameters, headers, status codes, values, URLs or steps that the facts do not contain.
4. When the facts do not answer the question, say so plainly and say what would answer it.
5. Values shown as [redacted] are secrets: never guess them or ask for them.
6. Be brief and concrete. Use short paragraphs and lists; Markdown bold and code only.`

const AUDIENCE: Record<Audience, string> = {
  partner:
    'You are talking to a developer at a partner company that integrates with the API. They see their own runs, cases and traces and the specs shared with them.',
  vendor:
    'You are talking to the API team (the vendor) who own the API, its spec and the notes partners read.',
}

const TASKS: Record<PromptKind, string> = {
  troubleshoot:
    'Task: troubleshoot the failure. Say what failed, why (compare what was expected with what was sent and received), and how to fix it, in the order to do it. Use the golden template’s explanation and the API team’s notes where they apply.',
  'next-steps':
    'Task: say what to do next, from the open plan items (earliest phase first, required before optional) and the latest runs (failing cases first). At most five steps.',
  'explain-error':
    'Task: explain the error response: what the status and body mean, whether the spec documents this response for the operation, and what in the request most likely caused it.',
  'draft-annotation':
    'Task: draft a note the API team can add to the operation (Markdown, under 150 words) that would help partners avoid this failure. Say which note type fits (auth_note, field_note, error_note or condition_note) and, for a field note, which field.',
}

/** The facts as the model reads them: one block per fact, headed by the id to cite it by. */
export function factsBlock(facts: readonly Fact[]): string {
  if (facts.length === 0) return '(no facts)'
  return facts.map((fact) => `[${fact.id}] ${fact.kind} — ${fact.label}\n${fact.text}`).join('\n\n')
}

export type PromptInput = {
  prompt: PromptKind
  audience: Audience
  /** Budgeted and redacted. */
  facts: readonly Fact[]
  /** The built-in troubleshooter's answer from the same context. */
  draft: string
  /** Redacted. */
  question: string
  /** Earlier turns of the conversation, oldest first (already short and redacted). */
  history?: readonly ChatMessage[]
}

export function buildMessages(input: PromptInput): ChatMessage[] {
  const system = [RULES, AUDIENCE[input.audience], TASKS[input.prompt]].join('\n\n')
  const user = [
    'Facts (cite them by the id in brackets):',
    '',
    factsBlock(input.facts),
    '',
    'First hint — the built-in troubleshooter’s answer from the same facts (improve on it; keep its citations where they hold):',
    '',
    input.draft,
    '',
    `Question: ${input.question}`,
  ].join('\n')
  return [
    { role: 'system', content: system },
    ...(input.history ?? []),
    { role: 'user', content: user },
  ]
}
