import { describe, expect, it } from 'vitest'
import { parseMarkers, resolveCitations } from './citations.server'
import { FIXTURE_FACTS } from './test-fixture'

describe('citation markers', () => {
  it('finds each [kind:id] once, in order of first use', () => {
    expect(
      parseMarkers(
        'See [case:run1:4] and [template:request-validation.body], again [case:run1:4]; not [foo:bar] nor [case:].',
      ),
    ).toEqual(['case:run1:4', 'template:request-validation.body'])
  })

  it('reads operation ids with spaces, slashes and braces', () => {
    expect(parseMarkers('[operation:spec1:GET /orders/{orderId}]')).toEqual([
      'operation:spec1:GET /orders/{orderId}',
    ])
  })

  it('links the markers that name a fact and drops the made-up ones from the text', () => {
    const resolved = resolveCitations(
      'The body was accepted [case:run1:4]. Amounts are in cents [annotation:note1] [annotation:invented]. See [ case : run1:4 ].',
      FIXTURE_FACTS,
    )
    expect(resolved.text).toBe(
      'The body was accepted [case:run1:4]. Amounts are in cents [annotation:note1]. See [case:run1:4].',
    )
    expect(resolved.citations).toEqual([
      {
        kind: 'case',
        id: 'case:run1:4',
        url: '/partner/pp1/tests/runs/run1/cases/4',
        label: 'Case 4: createOrder rejects an invalid body',
      },
      {
        kind: 'annotation',
        id: 'annotation:note1',
        url: '/partner/pp1/specs/spec1/operations/createOrder#notes',
        label: 'API team note on body/amount (createOrder)',
      },
    ])
    expect(resolved.unknown).toEqual(['annotation:invented'])
  })

  it('makes links absolute on an origin', () => {
    const resolved = resolveCitations('[run:run1]', FIXTURE_FACTS, 'https://copilot.test')
    expect(resolved.citations[0]!.url).toBe('https://copilot.test/partner/pp1/tests/runs/run1')
  })

  it('leaves a text without markers as it is', () => {
    const text = 'Nothing to cite here  (two spaces kept).'
    expect(resolveCitations(text, FIXTURE_FACTS)).toEqual({ text, citations: [], unknown: [] })
  })
})
