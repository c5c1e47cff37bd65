import { Link, useLocation } from '@remix-run/react'
import { type FormEvent, type ReactNode, useRef, useState } from 'react'
import type { AssistantFlash } from '~/server/assistant/page-form.server'
import {
  type AssistantAnswer,
  type AssistantSubject,
  type Citation,
  MAX_QUESTION_CHARS,
  PROMPT_LABELS,
  type PromptKind,
} from '~/shared/assistant'
import { buttonClass } from '~/components/ui/button'
import { readEventStream } from './read-event-stream'

type Message = {
  role: string
  content: string
  citations: Citation[]
  source: string
}

export type AssistantPanelData = {
  subject: AssistantSubject
  conversation: { messages: Message[] } | null
  flash: AssistantFlash | null
}

/** The prompts offered about a subject, the first being the default. */
export function promptsFor(subject: AssistantSubject, canDraft: boolean): PromptKind[] {
  const byKind: Record<AssistantSubject['kind'], PromptKind[]> = {
    case: ['troubleshoot', 'explain-error', 'next-steps', 'draft-annotation'],
    run: ['troubleshoot', 'next-steps', 'draft-annotation'],
    trace: ['explain-error', 'troubleshoot', 'draft-annotation'],
    operation: ['explain-error', 'troubleshoot', 'draft-annotation'],
    'next-steps': ['next-steps'],
  }
  return byKind[subject.kind].filter((kind) => canDraft || kind !== 'draft-annotation')
}

/** The question a prompt starts with (the reader may rewrite it). */
export function defaultQuestion(prompt: PromptKind, subject: AssistantSubject): string {
  switch (prompt) {
    case 'troubleshoot':
      return subject.kind === 'run'
        ? 'Why did these cases fail, and what should be fixed first?'
        : subject.kind === 'trace'
          ? 'What is wrong with this request, and how do I fix it?'
          : 'Why does this case fail, and how do I fix it?'
    case 'next-steps':
      return 'What should we do next to finish the onboarding?'
    case 'explain-error':
      return 'What does this error response mean, and what should change?'
    case 'draft-annotation':
      return 'Draft a note for partners who hit this failure: the cause and the fix.'
  }
}

const SOURCE_LABELS: Record<string, string> = {
  model: 'Model',
  troubleshooter: 'Built-in troubleshooter',
}

const KINDS = 'case|run|trace|operation|annotation|plan|template'
/** A citation marker `[kind:id]`, **bold** or `code`: the only formatting an answer gets. */
const INLINE = new RegExp(
  `\\[((?:${KINDS}):[^\\]\\n]{1,300})\\]|\\*\\*([^*\\n]+)\\*\\*|\`([^\`\\n]+)\``,
  'g',
)

function citationFor(marker: string, citations: Citation[]): Citation | undefined {
  return citations.find(
    (citation) => `${citation.kind}:${citation.id}` === marker || citation.id === marker,
  )
}

function CitationLink({ citation }: { citation: Citation }) {
  const className =
    'mx-0.5 inline-block rounded bg-indigo-50 px-1.5 py-px text-xs font-medium text-indigo-700 ring-1 ring-inset ring-indigo-200 hover:bg-indigo-100 hover:underline'
  const { url, label } = citation
  if (url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\'))
    return (
      <Link to={url} className={className}>
        {label}
      </Link>
    )
  if (/^https?:\/\//i.test(url))
    return (
      <a href={url} className={className}>
        {label}
      </a>
    )
  return <span className={className}>{label}</span>
}

/** An answer's text as React text nodes: markers become links to their citations, never HTML. */
export function AnswerText({ text, citations }: { text: string; citations: Citation[] }) {
  const parts: ReactNode[] = []
  let last = 0
  for (const match of text.matchAll(INLINE)) {
    const index = match.index ?? 0
    if (index > last) parts.push(text.slice(last, index))
    const [whole, marker, bold, code] = match
    if (marker !== undefined) {
      const citation = citationFor(marker, citations)
      parts.push(citation ? <CitationLink key={index} citation={citation} /> : whole)
    } else if (bold !== undefined) parts.push(<strong key={index}>{bold}</strong>)
    else
      parts.push(
        <code key={index} className="rounded bg-slate-100 px-1 font-mono text-[0.85em]">
          {code}
        </code>,
      )
    last = index + whole.length
  }
  if (last < text.length) parts.push(text.slice(last))
  return <div className="whitespace-pre-wrap break-words text-sm text-slate-800">{parts}</div>
}

function SourceBadge({ source }: { source: string }) {
  const tone =
    source === 'model'
      ? 'bg-violet-100 text-violet-800'
      : 'bg-slate-100 text-slate-700 ring-1 ring-inset ring-slate-200'
  return (
    <span
      className={`rounded-full px-2 py-0.5 text-xs font-medium ${tone}`}
      data-testid="answer-source"
    >
      {SOURCE_LABELS[source] ?? source}
    </span>
  )
}

function Question({ text }: { text: string }) {
  return (
    <div className="flex justify-end">
      <p className="max-w-[85%] whitespace-pre-wrap break-words rounded-lg bg-slate-100 px-3 py-2 text-sm text-slate-900">
        <span className="sr-only">You asked: </span>
        {text}
      </p>
    </div>
  )
}

function Answer({ message, notice }: { message: Message; notice?: string | null }) {
  const shown = new Set<string>()
  const sources = message.citations.filter((citation) => {
    const key = `${citation.kind}:${citation.id}`
    if (shown.has(key)) return false
    shown.add(key)
    return true
  })
  return (
    <article
      className="rounded-lg border border-slate-200 bg-white p-3"
      aria-label="Answer"
      data-testid="assistant-answer"
    >
      <AnswerText text={message.content} citations={message.citations} />
      <footer className="mt-3 flex flex-wrap items-center gap-x-2 gap-y-1 border-t border-slate-100 pt-2">
        <SourceBadge source={message.source} />
        {sources.length ? (
          <span className="flex flex-wrap items-center gap-1 text-xs text-slate-500">
            Sources:
            {sources.map((citation) => (
              <CitationLink key={`${citation.kind}:${citation.id}`} citation={citation} />
            ))}
          </span>
        ) : null}
      </footer>
      {notice ? <p className="mt-2 text-xs text-slate-500">{notice}</p> : null}
    </article>
  )
}

type Live = {
  question: string
  text: string
  state: 'waiting' | 'streaming' | 'error'
  error?: string
}

async function refusal(response: Response): Promise<string> {
  const text = await response.text().catch(() => '')
  try {
    const body = JSON.parse(text) as { error?: unknown }
    if (typeof body.error === 'string') return body.error
  } catch {
    // not JSON
  }
  if (text && text.length < 300 && !text.trimStart().startsWith('<')) return text
  if (response.status === 429) return 'Too many questions for now: try again later.'
  if (response.status === 404) return 'This is not yours to ask about.'
  return `The assistant could not answer (HTTP ${response.status}). Try again.`
}

/**
 * The assistant about one subject: the conversation so far, the prompt and the
 * question, Ask. With JavaScript the answer streams in (POST `${action}/stream`,
 * read as server-sent events); without, the form posts to `action`, which
 * answers and sends the browser back here with the conversation stored.
 */
export function AssistantPanel(props: {
  data: AssistantPanelData
  action: string
  canDraft?: boolean
  intro?: ReactNode
}) {
  // A panel per subject: moving to another case starts from that case's conversation.
  return <PanelBody key={JSON.stringify(props.data.subject)} {...props} />
}

function PanelBody({
  data,
  action,
  canDraft = false,
  intro,
}: {
  data: AssistantPanelData
  action: string
  canDraft?: boolean
  intro?: ReactNode
}) {
  const { subject, conversation, flash } = data
  const location = useLocation()
  const prompts = promptsFor(subject, canDraft)
  const flashPrompt = flash && prompts.includes(flash.prompt) ? flash.prompt : null
  const [prompt, setPrompt] = useState<PromptKind>(flashPrompt ?? prompts[0]!)
  const [question, setQuestion] = useState(flash?.question ?? defaultQuestion(prompt, subject))
  const [live, setLive] = useState<Live | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  // Answers streamed here, shown after the loader's messages until the loader has them itself.
  const stored = conversation?.messages ?? []
  const [added, setAdded] = useState<{ after: number; messages: Message[] }>({
    after: -1,
    messages: [],
  })
  const aborter = useRef<AbortController | null>(null)
  const messages = added.after === stored.length ? [...stored, ...added.messages] : stored
  const busy = live !== null && live.state !== 'error'

  const choose = (next: PromptKind) => {
    if (question.trim() === '' || question === defaultQuestion(prompt, subject))
      setQuestion(defaultQuestion(next, subject))
    setPrompt(next)
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    if (typeof fetch === 'undefined' || typeof ReadableStream === 'undefined') return
    event.preventDefault()
    if (busy) return
    const body = new URLSearchParams()
    for (const [name, value] of new FormData(event.currentTarget))
      if (typeof value === 'string') body.append(name, value)
    const asked = question.trim()
    if (!asked) return
    const controller = new AbortController()
    aborter.current?.abort()
    aborter.current = controller
    setNotice(null)
    setLive({ question: asked, text: '', state: 'waiting' })
    const fail = (error: string) =>
      setLive((current) => ({ question: asked, text: current?.text ?? '', state: 'error', error }))
    try {
      const response = await fetch(`${action}/stream`, {
        method: 'POST',
        body,
        headers: { Accept: 'text/event-stream' },
        signal: controller.signal,
      })
      if (!response.ok || !response.body) return fail(await refusal(response))
      let finished = false
      await readEventStream(response.body, (name, payload) => {
        if (name === 'token' && typeof payload === 'string')
          setLive((current) =>
            current ? { ...current, text: current.text + payload, state: 'streaming' } : current,
          )
        else if (name === 'done') {
          finished = true
          const answer = payload as AssistantAnswer
          setAdded((current) => ({
            after: stored.length,
            messages: [
              ...(current.after === stored.length ? current.messages : []),
              { role: 'user', content: asked, citations: [], source: '' },
              {
                role: 'assistant',
                content: answer.answer,
                citations: answer.citations,
                source: answer.source,
              },
            ],
          }))
          setNotice(answer.notice)
          setLive(null)
          setQuestion(defaultQuestion(prompt, subject))
        } else if (name === 'error') {
          finished = true
          const { message } = (payload ?? {}) as { message?: string }
          fail(message || 'The assistant could not answer. Try again.')
        }
      })
      if (!finished) fail('The answer was cut off. Try again.')
    } catch {
      if (!controller.signal.aborted) fail('The connection was lost. Try again.')
    }
  }

  return (
    <section
      id="assistant"
      aria-labelledby="assistant-title"
      className="rounded-lg border border-slate-200 bg-white shadow-sm"
    >
      <header className="border-b border-slate-200 px-5 py-3">
        <h2 id="assistant-title" className="text-base font-semibold text-slate-900">
          Assistant
        </h2>
        <p className="mt-0.5 text-xs text-slate-500">
          {intro ??
            'Answers grounded in this page’s requests, the spec and the API team’s notes, with a link to each source.'}
        </p>
      </header>
      <div className="space-y-4 p-5">
        {messages.length || live ? (
          <ol className="space-y-3" aria-label="Conversation" data-testid="assistant-conversation">
            {messages.map((message, index) => (
              <li key={index}>
                {message.role === 'user' ? (
                  <Question text={message.content} />
                ) : (
                  <Answer
                    message={message}
                    notice={index === messages.length - 1 && !live ? notice : null}
                  />
                )}
              </li>
            ))}
            {live ? (
              <li className="space-y-3">
                <Question text={live.question} />
                {live.state === 'waiting' ? (
                  <p className="flex items-center gap-2 text-sm text-slate-500" role="status">
                    <span
                      aria-hidden
                      className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-current border-r-transparent"
                    />
                    Thinking…
                  </p>
                ) : live.text ? (
                  <article
                    className="rounded-lg border border-slate-200 bg-white p-3"
                    aria-label="Answer"
                    aria-busy={live.state === 'streaming'}
                    data-testid="assistant-streaming"
                  >
                    <AnswerText text={live.text} citations={[]} />
                  </article>
                ) : null}
              </li>
            ) : null}
          </ol>
        ) : null}

        {live?.state === 'error' || flash ? (
          <div
            role="alert"
            className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
          >
            {live?.state === 'error' ? live.error : flash?.message}
          </div>
        ) : null}

        <form method="post" action={action} onSubmit={submit} className="space-y-3">
          {prompts.length > 1 ? (
            <fieldset>
              <legend className="sr-only">What to ask</legend>
              <div className="flex flex-wrap gap-2">
                {prompts.map((kind) => (
                  <label
                    key={kind}
                    className="cursor-pointer rounded-full px-3 py-1 text-sm text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 has-[:checked]:bg-indigo-50 has-[:checked]:font-medium has-[:checked]:text-indigo-800 has-[:checked]:ring-indigo-300 has-[:focus-visible]:outline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600"
                  >
                    <input
                      type="radio"
                      name="prompt"
                      value={kind}
                      checked={prompt === kind}
                      onChange={() => choose(kind)}
                      className="sr-only"
                    />
                    {PROMPT_LABELS[kind]}
                  </label>
                ))}
              </div>
            </fieldset>
          ) : null}
          <div>
            <label
              htmlFor="assistant-question"
              className="block text-sm font-medium text-slate-800"
            >
              Your question
            </label>
            <textarea
              id="assistant-question"
              name="question"
              required
              maxLength={MAX_QUESTION_CHARS}
              rows={2}
              value={question}
              onChange={(event) => setQuestion(event.target.value)}
              className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600"
            />
          </div>
          <div className="flex items-center gap-3">
            <button
              type="submit"
              aria-disabled={busy || undefined}
              className={buttonClass(
                'primary',
                'aria-disabled:cursor-wait aria-disabled:bg-indigo-400',
              )}
            >
              {busy ? (
                <>
                  <span
                    aria-hidden
                    className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-current border-r-transparent"
                  />
                  Asking…
                </>
              ) : (
                'Ask'
              )}
            </button>
            <p className="text-xs text-slate-500">
              Credentials and secrets are redacted before anything reaches a model.
            </p>
          </div>
          {/* Last: hidden fields would otherwise push the first visible one down (space-y). */}
          <input type="hidden" name="subjectKind" value={subject.kind} />
          {prompts.length > 1 ? null : <input type="hidden" name="prompt" value={prompts[0]} />}
          {subject.kind === 'case' || subject.kind === 'run' ? (
            <input type="hidden" name="runId" value={subject.runId} />
          ) : null}
          {subject.kind === 'case' ? <input type="hidden" name="seq" value={subject.seq} /> : null}
          {subject.kind === 'trace' ? (
            <input type="hidden" name="traceId" value={subject.traceId} />
          ) : null}
          {subject.kind === 'operation' ? (
            <>
              <input type="hidden" name="specId" value={subject.specId} />
              <input type="hidden" name="operationId" value={subject.operationId} />
            </>
          ) : null}
          <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
        </form>
      </div>
    </section>
  )
}
