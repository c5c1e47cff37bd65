import { describe, expect, it } from 'vitest'
import { parseMarkers } from './citations.server'
import { fixtureContext } from './test-fixture'
import { DRAFT_REFUSED_FOR_PARTNERS, troubleshoot } from './troubleshooter.server'

function citedIds(text: string) {
  return parseMarkers(text)
}

describe('the built-in troubleshooter', () => {
  it('troubleshoots a failing case from the template fix, the actual values and the notes', () => {
    const { text, refused } = troubleshoot(fixtureContext(), 'troubleshoot')
    expect(refused).toBe(false)
    expect(text).toContain('Validate request bodies against the schema before acting on them.')
    expect(text).toContain('status is 4xx: expected 400 or 422, got 201')
    expect(text).toContain('Amounts are in cents and at least 1.')
    expect(citedIds(text)).toEqual(
      expect.arrayContaining([
        'case:run1:4',
        'template:request-validation.body',
        'annotation:note1',
        'operation:spec1:createOrder',
      ]),
    )
    // Every citation names a fact of the context.
    const ids = fixtureContext().facts.map((fact) => fact.id)
    for (const id of citedIds(text)) expect(ids).toContain(id)
  })

  it('says a passed case has nothing to troubleshoot', () => {
    const context = fixtureContext()
    context.case = { ...context.case!, verdict: 'passed', failing: [] }
    expect(troubleshoot(context, 'troubleshoot').text).toContain('nothing to troubleshoot')
  })

  it('lists the next steps from the plan and the latest runs', () => {
    const { text } = troubleshoot(fixtureContext(), 'next-steps')
    expect(text).toContain('First, fix case 4')
    expect(text).toContain('Pass the golden suite on Sandbox')
    expect(text).toMatch(/Sandbox certification, required, open \[plan:item1\]/)
    expect(text).toContain('[run:run1]')
  })

  it('says so when there is no plan and no run', () => {
    const context = { ...fixtureContext(), subject: { kind: 'next-steps' as const }, case: null }
    context.plan = []
    context.latestRuns = []
    const { text } = troubleshoot(context, 'next-steps')
    expect(text).toContain('No open plan item is on record')
    expect(text).toContain('No run is on record yet')
  })

  it('explains an error response against the documented responses', () => {
    const context = fixtureContext()
    context.case = {
      ...context.case!,
      response: {
        status: 409,
        contentType: 'application/json',
        body: '{"error":{"message":"Order already exists"}}',
      },
    }
    const { text } = troubleshoot(context, 'explain-error')
    expect(text).toContain('The API answered 409')
    expect(text).toContain('conflicts with the current state')
    expect(text).toContain('“Order already exists”')
    expect(text).toContain(
      'The spec does not document 409 for POST /orders; it documents 201, 400 [operation:spec1:createOrder]',
    )
  })

  it('quotes the documented response when the status is in the spec', () => {
    const context = fixtureContext()
    context.case = {
      ...context.case!,
      response: { status: 400, contentType: 'application/json', body: '{"message":"amount"}' },
    }
    expect(troubleshoot(context, 'explain-error').text).toContain(
      'The spec documents 400 for POST /orders: “invalid”',
    )
  })

  it('drafts an annotation for the vendor from the failure pattern', () => {
    const { text, refused } = troubleshoot(fixtureContext('vendor'), 'draft-annotation')
    expect(refused).toBe(false)
    expect(text).toContain('A draft note (type `error_note`) for **POST /orders**')
    expect(text).toContain('failed in 3 runs of 2 partner project(s)')
    expect(text).toContain('status is 4xx: the API expects 400 or 422.')
    expect(text).toContain('How to get it right: Validate request bodies')
    expect(text).toContain('[annotation:note1]')
  })

  it('refuses to draft an annotation for a partner, saying why', () => {
    const { text, refused } = troubleshoot(fixtureContext('partner'), 'draft-annotation')
    expect(refused).toBe(true)
    expect(text).toBe(DRAFT_REFUSED_FOR_PARTNERS)
  })
})
