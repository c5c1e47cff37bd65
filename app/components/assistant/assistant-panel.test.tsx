/**
 * The assistant panel as the server renders it (what a browser without
 * JavaScript gets): a plain POST form with the subject in hidden fields, the
 * prompts a reader may choose, the conversation with citation markers as links
 * and the answer's text never read as HTML, and a refusal's message.
 */
import { renderToString } from 'react-dom/server'
import { describe, expect, it, vi } from 'vitest'
import type { Citation } from '~/shared/assistant'
import { AnswerText, AssistantPanel, type AssistantPanelData } from './assistant-panel'

const current = vi.hoisted(() => ({ data: undefined as unknown, action: undefined as unknown }))
vi.mock('@remix-run/react', async (original) =>
  (await import('../../../tests/support/remix-react-stub')).stubRemixReact(
    await original(),
    current,
  ),
)

const caseCitation: Citation = {
  kind: 'case',
  id: 'case:run1:3',
  url: '/partner/pp1/tests/runs/run1/cases/3',
  label: 'Case 3: Body is valid',
}

const data = (overrides: Partial<AssistantPanelData> = {}): AssistantPanelData => ({
  subject: { kind: 'case', runId: 'run1', seq: 3 },
  conversation: null,
  flash: null,
  ...overrides,
})

describe('AnswerText', () => {
  it('links the markers it has citations for and keeps the rest as text, never HTML', () => {
    const html = renderToString(
      <AnswerText
        text={
          'It fails here [case:run1:3] <script>alert(1)</script> and **there** `id` [case:other:1]'
        }
        citations={[caseCitation]}
      />,
    )
    expect(html).toContain('href="/partner/pp1/tests/runs/run1/cases/3"')
    expect(html).toContain('Case 3: Body is valid')
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;')
    expect(html).toContain('<strong>there</strong>')
    expect(html).toContain('[case:other:1]')
  })

  it('links no citation whose URL leaves the site or is not a URL', () => {
    const html = renderToString(
      <AnswerText
        text="See [case:run1:3] and [trace:t1]"
        citations={[
          { ...caseCitation, url: 'javascript:alert(1)' },
          { kind: 'trace', id: 'trace:t1', url: '//evil.example/x', label: 'Trace' },
        ]}
      />,
    )
    expect(html).not.toContain('href=')
  })
})

describe('AssistantPanel', () => {
  it('posts the subject, the prompt and the question to the action, back to this page', () => {
    const html = renderToString(<AssistantPanel data={data()} action="/partner/pp1/assistant" />)
    expect(html).toContain('action="/partner/pp1/assistant"')
    expect(html).toContain('method="post"')
    for (const [name, value] of [
      ['subjectKind', 'case'],
      ['runId', 'run1'],
      ['seq', '3'],
      ['redirectTo', '/'],
    ])
      expect(html).toContain(`name="${name}" value="${value}"`)
    expect(html).toMatch(/checked="" value="troubleshoot"/)
    expect(html).toContain('Why does this case fail, and how do I fix it?')
    expect(html).not.toContain('Draft an annotation')
  })

  it('offers draft annotations to the API team only', () => {
    const html = renderToString(
      <AssistantPanel data={data()} action="/projects/p1/assistant" canDraft />,
    )
    expect(html).toContain('Draft an annotation')
  })

  it('shows the conversation, who answered and the refused question with its reason', () => {
    const html = renderToString(
      <AssistantPanel
        data={data({
          conversation: {
            messages: [
              { role: 'user', content: 'Why?', citations: [], source: '' },
              {
                role: 'assistant',
                content: 'Because [case:run1:3].',
                citations: [caseCitation],
                source: 'troubleshooter',
              },
            ],
          },
          flash: {
            message: 'You have asked 20 questions in the last hour; ask again after 10:00 UTC.',
            status: 429,
            prompt: 'explain-error',
            question: 'And this one?',
            subject: JSON.stringify({ kind: 'case', runId: 'run1', seq: 3 }),
          },
        })}
        action="/partner/pp1/assistant"
      />,
    )
    expect(html).toContain('Built-in troubleshooter')
    expect(html).toContain('href="/partner/pp1/tests/runs/run1/cases/3"')
    expect(html).toContain('role="alert"')
    expect(html).toContain('ask again after 10:00 UTC')
    expect(html).toContain('And this one?')
    expect(html).toMatch(/checked="" value="explain-error"/)
  })

  it('asks only what is next on the dashboard', () => {
    const html = renderToString(
      <AssistantPanel
        data={data({ subject: { kind: 'next-steps' } })}
        action="/partner/pp1/assistant"
      />,
    )
    expect(html).toContain('name="prompt" value="next-steps"')
    expect(html).not.toContain('type="radio"')
  })
})
