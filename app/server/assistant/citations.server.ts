/**
 * Citations: an answer cites a fact by its id in brackets (`[case:<runId>:3]`).
 * The markers actually used become Citation links, in order of first use; a
 * marker that names no fact of the context (a made-up source) is removed from
 * the text and never linked. Pure.
 */
import type { Citation, CitationKind } from '~/shared/assistant'
import type { Fact } from './facts.server'

const KINDS: readonly CitationKind[] = [
  'case',
  'run',
  'trace',
  'operation',
  'annotation',
  'plan',
  'template',
]

/** `[kind:reference]`: no brackets or line breaks inside, at most 300 characters. */
const MARKER = new RegExp(`\\[\\s*(${KINDS.join('|')})\\s*:\\s*([^\\[\\]\\n]{1,300}?)\\s*\\]`, 'g')

/** The fact ids cited in a text, in order of first use, without repeats. */
export function parseMarkers(text: string): string[] {
  const ids: string[] = []
  for (const match of text.matchAll(MARKER)) {
    const id = `${match[1]}:${match[2]}`
    if (!ids.includes(id)) ids.push(id)
  }
  return ids
}

/** Stands where a dropped marker was, until the spaces before it go too (a private-use character). */
const DROPPED = '\uE000'

export type Resolved = { text: string; citations: Citation[]; unknown: string[] }

/**
 * The citations of an answer against the facts it was given. Known markers are
 * normalised to `[id]`; unknown ones are dropped from the text. `origin` makes
 * the links absolute (answers for the API).
 */
export function resolveCitations(text: string, facts: readonly Fact[], origin = ''): Resolved {
  const byId = new Map(facts.map((fact) => [fact.id, fact]))
  const citations: Citation[] = []
  const unknown: string[] = []
  const out = text.replace(MARKER, (_marker, kind: string, reference: string) => {
    const id = `${kind}:${reference}`
    const fact = byId.get(id)
    if (!fact) {
      if (!unknown.includes(id)) unknown.push(id)
      return DROPPED
    }
    if (!citations.some((citation) => citation.id === id))
      citations.push({ kind: fact.kind, id, url: `${origin}${fact.url}`, label: fact.label })
    return `[${id}]`
  })
  // A dropped marker takes the spaces before it along (`the field [case:made-up].` -> `the field.`).
  return { text: out.replace(/[ \t]*\uE000/g, ''), citations, unknown }
}
