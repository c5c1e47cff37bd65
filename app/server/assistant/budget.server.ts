/**
 * The context budget: a token estimate (characters / 4, the usual rule of
 * thumb for English and JSON with GPT tokenizers; no tokenizer is shipped),
 * long texts truncated, and the least relevant facts cut first until the rest
 * fits. Pure.
 */
import type { Fact } from './facts.server'

/** Tokens the facts may take in a prompt (the system text, hint and question come on top). */
export const CONTEXT_TOKEN_BUDGET = 6000
/** No single fact takes more than this many characters (about 1,000 tokens). */
export const MAX_FACT_CHARS = 4000

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4)
}

export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  const cut = text.length - maxChars
  return `${text.slice(0, maxChars)}\n… (${cut.toLocaleString('en-GB')} more characters cut)`
}

/** What one fact costs in the facts block (its heading line and its text). */
export function factTokens(fact: Fact): number {
  return estimateTokens(`[${fact.id}] ${fact.label}\n${fact.text}\n\n`)
}

export type Budgeted = {
  /** The facts kept, most relevant first (ties keep the order they were gathered in). */
  facts: Fact[]
  /** Ids of the facts cut to fit. */
  dropped: string[]
  tokens: number
}

/** Truncates each fact, then keeps the most relevant ones that fit `budget` tokens. */
export function fitToBudget(
  facts: readonly Fact[],
  budget = CONTEXT_TOKEN_BUDGET,
  maxFactChars = MAX_FACT_CHARS,
): Budgeted {
  const ranked = facts
    .map((fact, index) => ({ fact: { ...fact, text: truncate(fact.text, maxFactChars) }, index }))
    .sort((a, b) => b.fact.relevance - a.fact.relevance || a.index - b.index)
  const kept: Fact[] = []
  const dropped: string[] = []
  let tokens = 0
  for (const { fact } of ranked) {
    const cost = factTokens(fact)
    if (tokens + cost <= budget) {
      kept.push(fact)
      tokens += cost
    } else dropped.push(fact.id)
  }
  return { facts: kept, dropped, tokens }
}
