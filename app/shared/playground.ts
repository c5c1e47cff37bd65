/**
 * The request playground's forms (one zod schema per intent, shared by the page
 * through conform and by the server) and the plain shapes its pages render.
 */
import type { SubmissionResult } from '@conform-to/react'
import type { AnnotationItem } from '~/components/annotations/annotation-list'
import { z } from 'zod'

/** The largest request body the playground sends, in bytes (UTF-8). */
export const MAX_PLAYGROUND_BODY_BYTES = 1024 * 1024
/** The most operations one search shows (the largest specs have over a thousand). */
export const MAX_SEARCH_RESULTS = 50
/** Sent requests kept per user and project (or partner project). */
export const HISTORY_KEPT = 50

export const PARAM_LOCATIONS = ['path', 'query', 'header'] as const
export type ParamLocation = (typeof PARAM_LOCATIONS)[number]

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength

const ParamSchema = z.object({
  in: z.enum(PARAM_LOCATIONS),
  name: z.string().min(1).max(200),
  value: z
    .string()
    .max(8000, 'A parameter value is at most 8,000 characters.')
    .optional()
    .transform((value) => value ?? ''),
})

const requestFields = {
  op: z.string({ error: 'Choose an operation first.' }).min(1).max(2000),
  env: z
    .string({ error: 'Choose an environment.' })
    .min(1, 'Choose an environment.')
    .max(200, 'Choose an environment.'),
  params: z
    .array(ParamSchema)
    .max(300)
    .optional()
    .transform((value) => value ?? []),
  /** Extra headers, one `Name: value` a line. */
  headers: z
    .string()
    .max(16_000, 'Extra headers are at most 16,000 characters.')
    .optional()
    .transform((value) => value ?? ''),
  mediaType: z.string().max(200).optional(),
  body: z
    .string()
    .optional()
    // Browsers submit a textarea's line breaks as CRLF: the body is kept with LF, as typed.
    .transform((value) => (value ?? '').replace(/\r\n?/g, '\n'))
    .check((ctx) => {
      const bytes = utf8Bytes(ctx.value)
      if (bytes > MAX_PLAYGROUND_BODY_BYTES)
        ctx.issues.push({
          code: 'custom',
          message: `The body is ${bytes.toLocaleString('en-GB')} bytes; the playground sends at most 1 MB.`,
          input: ctx.value,
        })
    }),
}

export const SendRequestSchema = z.object({ intent: z.literal('send'), ...requestFields })

export const SaveTemplateSchema = z.object({
  intent: z.literal('save-template'),
  ...requestFields,
  name: z
    .string({ error: 'Name the template.' })
    .trim()
    .min(1, 'Name the template.')
    .max(80, 'Keep the name under 80 characters.'),
})

/** The request form: its two buttons send it or save it as a template. */
export const PlaygroundRequestSchema = z.discriminatedUnion('intent', [
  SendRequestSchema,
  SaveTemplateSchema,
])
export type PlaygroundRequestForm = z.infer<typeof SendRequestSchema>

export const DeleteSavedSchema = z.object({
  intent: z.literal('delete-saved'),
  savedId: z.string({ error: 'Which template?' }).min(1).max(100),
})

// ---- what the pages render -------------------------------------------------------------------

/** A vendor's note, as AnnotationList renders it. */
export type NoteView = AnnotationItem

export type CatalogueEntry = {
  /** `?op=` value: spec id and operation id. */
  key: string
  method: string
  path: string
  summary: string | null
  operationId: string | null
  deprecated: boolean
}

export type CatalogueGroup = {
  specId: string
  specName: string
  tag: string
  operations: CatalogueEntry[]
}

export type CatalogueView = {
  query: string
  groups: CatalogueGroup[]
  /** Operations that matched, of which `shown` are listed. */
  matched: number
  shown: number
  /** Operations across the specs searched. */
  total: number
}

export type EnvironmentChoice = {
  /** The select's value: an environment id, or `mock:<mockId>` for a mock not used yet. */
  value: string
  label: string
  kind: 'mock' | 'sandbox' | 'uat'
  /** Mocks only: the spec they serve, and whether they answer now. */
  specId: string | null
  running: boolean
}

export type ParamField = {
  in: ParamLocation
  name: string
  required: boolean
  deprecated: boolean
  description: string | null
  /** The schema's type, for the input's hint. */
  type: string | null
  notes: NoteView[]
}

export type DraftParam = { in: ParamLocation; name: string; value: string }

/** A request as the form holds it: the operation, environment, inputs and body text. */
export type DraftView = {
  op: string
  env: string
  params: DraftParam[]
  /** Extra headers, one `Name: value` a line. */
  headers: string
  mediaType: string | null
  body: string
}

export type SelectedOperation = {
  key: string
  specId: string
  specName: string
  versionNumber: number
  method: string
  path: string
  operationId: string | null
  summary: string | null
  description: string | null
  deprecated: boolean
  params: ParamField[]
  mediaTypes: string[]
  bodyRequired: boolean
  /** Notes on the operation itself. */
  notes: NoteView[]
}

export type PlacedViolation = {
  side: 'request' | 'response'
  location: string
  message: string
  constraint?: string
  /** 1-based line of the body it concerns; null when elsewhere or not placeable. */
  line: number | null
  /** False when the member is absent and the line is its parent's. */
  exact: boolean
  /** Field notes of the vendor on the same field. */
  notes: NoteView[]
}

export type BodyView = {
  kind: 'empty' | 'json' | 'text'
  text: string
  violations: PlacedViolation[]
}

export type ResponseView = {
  status: number
  headers: [string, string][]
  body: BodyView
  truncated: boolean
  durationMs: number
  headersMs: number
}

export type SendOutcome = {
  /** False when the request was not sent (its body is not JSON). */
  sent: boolean
  environmentLabel: string
  method: string
  /** The URL sent, credentials redacted. */
  url: string
  /** How the environment's credential was added ("Authorization: Bearer [redacted]"), or null. */
  credential: string | null
  request: { body: BodyView; other: PlacedViolation[] }
  response: (ResponseView & { other: PlacedViolation[] }) | null
  /** No answer: timeout, refused connection, blocked address. */
  error: string | null
}

export type SnippetSet = { curl: string; fetch: string; python: string }

export type SavedView = {
  id: string
  kind: 'template' | 'history'
  name: string
  method: string
  path: string
  href: string
  createdAt: string
  /** History only. */
  status: number | null
  durationMs: number | null
  violationCount: number
  error: string | null
}

export type PlaygroundView = {
  /** `/partner/<id>/playground` or `/projects/<id>/playground`. */
  base: string
  canSend: boolean
  catalogue: CatalogueView
  environments: EnvironmentChoice[]
  selected: SelectedOperation | null
  draft: DraftView | null
  snippets: SnippetSet | null
  templates: SavedView[]
  history: SavedView[]
  /** The template or history entry loaded by `?template=`. */
  loaded: { id: string; name: string; kind: 'template' | 'history' } | null
  notice: string | null
}

export type PlaygroundActionData = {
  reply: SubmissionResult<string[]>
  outcome: SendOutcome | null
  draft: DraftView | null
  snippets: SnippetSet | null
}
