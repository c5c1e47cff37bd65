/**
 * The assistant's shapes, shared by the server (app/server/assistant/), its
 * routes and the panel (app/components/assistant/).
 */
export const PROMPT_KINDS = [
  'troubleshoot',
  'next-steps',
  'explain-error',
  'draft-annotation',
] as const
export type PromptKind = (typeof PROMPT_KINDS)[number]

export const PROMPT_LABELS: Record<PromptKind, string> = {
  troubleshoot: 'Troubleshoot this failure',
  'next-steps': 'What’s next?',
  'explain-error': 'Explain this error response',
  'draft-annotation': 'Draft an annotation',
}

/** What a question is about. */
export type AssistantSubject =
  | { kind: 'case'; runId: string; seq: number }
  | { kind: 'run'; runId: string }
  | { kind: 'trace'; traceId: string }
  | { kind: 'operation'; specId: string; operationId: string }
  | { kind: 'next-steps' }

export type CitationKind =
  'case' | 'run' | 'trace' | 'operation' | 'annotation' | 'plan' | 'template'

/** A source an answer cites: the fact's id `[kind:id]` in the text, a link on the page. */
export type Citation = { kind: CitationKind; id: string; url: string; label: string }

export type AnswerSource = 'model' | 'troubleshooter'

export type AssistantAnswer = {
  answer: string
  citations: Citation[]
  source: AnswerSource
  /** Said to the reader, e.g. "Richer answers need a model: set OPENAI_API_KEY." */
  notice: string | null
  conversationId: string
}

export const MAX_QUESTION_CHARS = 2000
