import { describe, expect, it } from 'vitest'
import { estimateTokens, factTokens, fitToBudget, truncate } from './budget.server'
import type { Fact } from './facts.server'

const fact = (id: string, relevance: number, chars: number): Fact => ({
  id: `case:${id}`,
  kind: 'case',
  label: id,
  url: `/x/${id}`,
  text: 'x'.repeat(chars),
  relevance,
})

describe('the context budget', () => {
  it('estimates a token as four characters', () => {
    expect(estimateTokens('')).toBe(0)
    expect(estimateTokens('abcd')).toBe(1)
    expect(estimateTokens('abcde')).toBe(2)
  })

  it('truncates long texts and says how much was cut', () => {
    expect(truncate('short', 10)).toBe('short')
    const cut = truncate('a'.repeat(50), 10)
    expect(cut.startsWith('a'.repeat(10))).toBe(true)
    expect(cut).toContain('40 more characters cut')
  })

  it('cuts the least relevant facts first and keeps the rest in relevance order', () => {
    const facts = [fact('low', 10, 2000), fact('high', 90, 2000), fact('mid', 50, 2000)]
    const perFact = factTokens(fitToBudget([facts[0]!]).facts[0]!)
    const kept = fitToBudget(facts, perFact * 2)
    expect(kept.facts.map((entry) => entry.id)).toEqual(['case:high', 'case:mid'])
    expect(kept.dropped).toEqual(['case:low'])
    expect(kept.tokens).toBe(perFact * 2)
  })

  it('keeps a smaller, less relevant fact that still fits after a large one is cut', () => {
    const kept = fitToBudget([fact('big', 90, 20_000), fact('small', 10, 40)], 1200, 100_000)
    expect(kept.facts.map((entry) => entry.id)).toEqual(['case:small'])
  })

  it('truncates every fact to the per-fact cap before budgeting', () => {
    const kept = fitToBudget([fact('huge', 90, 100_000)], 6000, 4000)
    expect(kept.facts).toHaveLength(1)
    expect(kept.facts[0]!.text.length).toBeLessThan(4100)
  })

  it('keeps ties in the order they were gathered', () => {
    const kept = fitToBudget([fact('a', 50, 10), fact('b', 50, 10), fact('c', 60, 10)])
    expect(kept.facts.map((entry) => entry.id)).toEqual(['case:c', 'case:a', 'case:b'])
  })
})
