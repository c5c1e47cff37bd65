import { describe, expect, it } from 'vitest'
import { fitToBudget } from './budget.server'
import { buildMessages, PROMPT_VERSION } from './prompts.server'
import { fixtureContext } from './test-fixture'
import { troubleshoot } from './troubleshooter.server'
import { PROMPT_KINDS } from '~/shared/assistant'

describe('prompt templates', () => {
  it('are versioned', () => {
    expect(PROMPT_VERSION).toMatch(/^assistant-\d{4}-\d{2}-\d{2}\.\d+$/)
  })

  for (const prompt of PROMPT_KINDS)
    it(`assemble the ${prompt} messages for a fixed context`, () => {
      const audience = prompt === 'draft-annotation' ? 'vendor' : 'partner'
      const context = fixtureContext(audience)
      const messages = buildMessages({
        prompt,
        audience,
        facts: fitToBudget(context.facts).facts,
        draft: troubleshoot(context, prompt).text,
        question: 'Why does this fail?',
      })
      expect(messages.map((message) => message.role)).toEqual(['system', 'user'])
      expect(messages).toMatchSnapshot()
    })

  it('put earlier turns between the instructions and the new question', () => {
    const context = fixtureContext()
    const messages = buildMessages({
      prompt: 'troubleshoot',
      audience: 'partner',
      facts: context.facts,
      draft: 'hint',
      question: 'And now?',
      history: [
        { role: 'user', content: 'Why?' },
        { role: 'assistant', content: 'Because [case:run1:4].' },
      ],
    })
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(messages[3]!.content).toContain('Question: And now?')
  })

  it('tell the model to answer only from the facts, cite them and invent nothing', () => {
    const [system] = buildMessages({
      prompt: 'troubleshoot',
      audience: 'partner',
      facts: [],
      draft: '',
      question: 'q',
    })
    expect(system!.content).toContain('Answer only from the facts')
    expect(system!.content).toContain('Cite every claim with the id of the fact')
    expect(system!.content).toContain('Never invent fields')
    expect(system!.content).toContain('When the facts do not answer the question, say so')
  })
})
