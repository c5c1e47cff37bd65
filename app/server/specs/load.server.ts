/**
 * Parse, resolve (inside the upload, and public http(s) URLs through the guarded client)
 * and validate a spec with @apidevtools/swagger-parser. Returns one bundled document whose remaining
 * $refs are internal ("#/..."), or throws SpecImportError listing every problem.
 */
import path from 'node:path'
import SwaggerParser from '@apidevtools/swagger-parser'
import { fetchGuarded, OutboundError } from '../outbound.server'
import { createLocator, parseSpecText, unescapePointer } from './parse.server'
import { refuse, SpecImportError, type SpecProblem } from './problems.server'
import type { SpecSource } from './source.server'

const VIRTUAL_BASE = 'https://upload.invalid/'
const MAX_PROBLEMS = 100

export type SpecFlavour = 'swagger-2.0' | 'openapi-3.0' | 'openapi-3.1'

export type LoadedSpec = {
  document: Record<string, unknown>
  flavour: SpecFlavour
  openapiVersion: string
  /** Problems that did not block the import (e.g. keys beside a $ref, which OpenAPI ignores). */
  warnings: SpecProblem[]
}

export function detectFlavour(root: Record<string, unknown>): {
  flavour: SpecFlavour
  openapiVersion: string
} {
  if ('swagger' in root) {
    if (String(root.swagger) !== '2.0')
      refuse(
        `Unsupported Swagger version "${String(root.swagger)}": only 2.0 exists.`,
        422,
        '/swagger',
      )
    return { flavour: 'swagger-2.0', openapiVersion: '2.0' }
  }
  if ('openapi' in root) {
    const version = String(root.openapi)
    if (/^3\.0\.\d+$/.test(version)) return { flavour: 'openapi-3.0', openapiVersion: version }
    if (/^3\.1\.\d+$/.test(version)) return { flavour: 'openapi-3.1', openapiVersion: version }
    refuse(
      `Unsupported OpenAPI version "${version}": Swagger 2.0, OpenAPI 3.0.x and 3.1.x are supported.`,
      422,
      '/openapi',
    )
  }
  const keys = Object.keys(root).slice(0, 8).join(', ') || 'none'
  return refuse(
    `Not an OpenAPI document: it has no "openapi" or "swagger" key (top-level keys: ${keys}).`,
    422,
  )
}

function escapePointer(segment: string) {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1')
}

/** Every $ref in a parsed file, with its JSON pointer. Iterative: documents may be large. */
function collectRefs(value: unknown): { ref: string; pointer: string }[] {
  const refs: { ref: string; pointer: string }[] = []
  const stack: [unknown, string][] = [[value, '']]
  while (stack.length > 0) {
    const [node, pointer] = stack.pop()!
    if (node === null || typeof node !== 'object') continue
    if (!Array.isArray(node) && typeof (node as { $ref?: unknown }).$ref === 'string') {
      refs.push({ ref: (node as { $ref: string }).$ref, pointer: `${pointer}/$ref` })
    }
    for (const [key, child] of Object.entries(node))
      stack.push([child, `${pointer}/${escapePointer(key)}`])
  }
  return refs
}

/** Remote references: fetched through the guarded client, once per import. */
const REMOTE = /^https?:\/\//i
const MAX_REMOTE_FILES = 50
const MAX_REMOTE_BYTES = 5 * 1024 * 1024
const REMOTE_TIMEOUT_MS = 15_000

/** The address of a remote document (no fragment), or the reason it cannot be one. */
function remoteAddress(target: string, base: string | null): string | null {
  if (!REMOTE.test(target) && !(base && !/^[a-z][a-z0-9+.-]*:/i.test(target))) return null
  const url = new URL(target, base ?? undefined)
  url.hash = ''
  return url.href
}

async function fetchRemote(url: string): Promise<unknown> {
  let response
  try {
    response = await fetchGuarded(url, {
      maxBytes: MAX_REMOTE_BYTES,
      timeoutMs: REMOTE_TIMEOUT_MS,
      headers: { accept: 'application/json, application/yaml, text/yaml, */*' },
    })
  } catch (error) {
    if (error instanceof OutboundError) throw new Error(error.message)
    throw error
  }
  if (response.status < 200 || response.status >= 300)
    throw new Error(`it answered HTTP ${response.status}`)
  const text = new TextDecoder('utf-8').decode(response.body)
  try {
    return parseSpecText(text, new URL(url).pathname.split('/').pop() || url)
  } catch (error) {
    throw new Error(
      error instanceof SpecImportError
        ? (error.problems[0]?.message ?? 'unreadable')
        : String(error),
    )
  }
}

/**
 * Checks every reference before anything is resolved: internal ones are fine, relative
 * ones must name a file of the upload, public http(s) URLs (and references relative to a
 * fetched document) are fetched through the guarded client (15 s, 5 MB per file, at most
 * 50 files); anything else (file:, absolute paths) is refused. Fetched documents join
 * `parsed` under their URL.
 */
async function checkReferences(source: SpecSource, parsed: Map<string, unknown>): Promise<void> {
  const problems: SpecProblem[] = []
  const queue = [source.root]
  const seen = new Set(queue)
  let remoteCount = 0
  while (queue.length > 0) {
    const file = queue.shift()!
    const base = REMOTE.test(file) ? file : null
    const fetches: { ref: string; url: string; located: Omit<SpecProblem, 'message'> }[] = []
    for (const { ref, pointer } of collectRefs(parsed.get(file))) {
      const target = ref.split('#')[0]!
      if (target === '') continue
      const located = { pointer, ...(file === source.root ? {} : { file }) }
      let remote: string | null
      try {
        remote = remoteAddress(target, base)
      } catch {
        problems.push({ ...located, message: `Reference "${ref}" is not a valid URL.` })
        continue
      }
      if (remote) {
        if (seen.has(remote)) continue
        seen.add(remote)
        if (++remoteCount > MAX_REMOTE_FILES) {
          problems.push({
            ...located,
            message: `Reference "${ref}" would be remote file number ${remoteCount}; at most ${MAX_REMOTE_FILES} are fetched. Send the spec as a .zip holding its files.`,
          })
          continue
        }
        fetches.push({ ref, url: remote, located })
        continue
      }
      if (
        /^[a-z][a-z0-9+.-]*:/i.test(target) ||
        target.startsWith('/') ||
        target.startsWith('\\')
      ) {
        problems.push({
          ...located,
          message: `External reference "${ref}" refused: only public http(s) URLs and files inside the upload can be referenced (send a .zip holding them).`,
        })
        continue
      }
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), target))
      if (resolved.startsWith('../') || !(resolved in source.files)) {
        problems.push({
          ...located,
          message: `Reference "${ref}" points to "${resolved}", which is not in the upload.`,
        })
        continue
      }
      if (!seen.has(resolved)) {
        seen.add(resolved)
        parsed.set(resolved, parseSpecText(source.files[resolved]!, resolved))
        queue.push(resolved)
      }
    }
    const fetched = await Promise.allSettled(fetches.map(({ url }) => fetchRemote(url)))
    fetched.forEach((outcome, index) => {
      const { ref, url, located } = fetches[index]!
      if (outcome.status === 'fulfilled') {
        parsed.set(url, outcome.value)
        queue.push(url)
      } else {
        const reason = outcome.reason instanceof Error ? outcome.reason.message : 'failed'
        problems.push({
          ...located,
          message: `Reference "${ref}" could not be fetched from ${url}: ${reason.replace(/\.$/, '')}. Download the referenced files and send the spec as a .zip holding them.`,
        })
      }
    })
    if (problems.length >= MAX_PROBLEMS) break
  }
  if (problems.length > 0) throw new SpecImportError(withLocations(problems, source))
}

function withLocations(problems: SpecProblem[], source: SpecSource): SpecProblem[] {
  const locators = new Map<string, ReturnType<typeof createLocator>>()
  return problems.slice(0, MAX_PROBLEMS).map((problem) => {
    if (problem.line !== undefined) return problem
    const file = problem.file ?? source.root
    const text = source.files[file]
    if (text === undefined) return problem
    if (!locators.has(file)) locators.set(file, createLocator(text))
    const position = locators.get(file)!(problem.pointer)
    return position ? { ...problem, ...position } : problem
  })
}

/** swagger-parser refuses a document without these before validating anything else. */
function checkContainers(root: Record<string, unknown>, flavour: SpecFlavour) {
  if (flavour === 'openapi-3.1') {
    if (!('paths' in root) && !('webhooks' in root) && !('components' in root)) {
      refuse(
        'An OpenAPI 3.1 document needs at least one of "paths", "webhooks" or "components"; this one has none.',
        422,
      )
    }
  } else if (!('paths' in root)) {
    refuse('The document has no "paths" object: add the API\'s operations under "paths".', 422)
  }
}

type AjvLikeError = {
  instancePath?: string
  message?: string
  keyword?: string
  params?: Record<string, unknown>
}

function problemsFromValidation(error: unknown): SpecProblem[] {
  const details = (error as { details?: AjvLikeError[] }).details
  if (Array.isArray(details) && details.length > 0) {
    const seen = new Set<string>()
    const problems: SpecProblem[] = []
    for (const detail of details) {
      const pointer = detail.instancePath ?? ''
      let message = detail.message ?? 'is invalid'
      if (detail.keyword === 'additionalProperties' && detail.params?.additionalProperty) {
        message = `has an unknown property "${String(detail.params.additionalProperty)}"`
      } else if (detail.keyword === 'required' && detail.params?.missingProperty) {
        message = `is missing the required property "${String(detail.params.missingProperty)}"`
      } else if (detail.keyword === 'enum' && Array.isArray(detail.params?.allowedValues)) {
        message = `must be one of ${(detail.params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`
      }
      const text = `${pointer || '(document)'} ${message}`
      if (seen.has(text)) continue
      seen.add(text)
      problems.push({ message: text, pointer })
    }
    return problems
  }
  const message = error instanceof Error ? error.message : String(error)
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter(
      (line) =>
        line && !/^Swagger schema validation failed\.?$/.test(line) && !line.startsWith('at '),
    )
    .slice(0, MAX_PROBLEMS)
    .map((line) => ({
      message: line.replace(/^Validation failed\.\s*/, ''),
      pointer: (/(\/paths\/\S+|#\/\S+)/.exec(line)?.[1] ?? '').replace(/^#/, ''),
    }))
}

/**
 * Before 3.1, keys beside a $ref are ignored by the spec, and real specs have
 * them (Xero's do): drop them, as every tool does, and say so in a warning.
 */
function dropRefSiblings(document: unknown, file: string | undefined, warnings: SpecProblem[]) {
  const stack: [unknown, string][] = [[document, '']]
  while (stack.length > 0) {
    const [node, pointer] = stack.pop()!
    if (node === null || typeof node !== 'object') continue
    const record = node as Record<string, unknown>
    if (!Array.isArray(node) && typeof record.$ref === 'string') {
      const siblings = Object.keys(record).filter((key) => key !== '$ref')
      if (siblings.length > 0) {
        for (const key of siblings) delete record[key]
        if (warnings.length < MAX_PROBLEMS) {
          warnings.push({
            message: `Ignored ${siblings.map((key) => `"${key}"`).join(', ')} beside a $ref (OpenAPI before 3.1 ignores them).`,
            pointer,
            ...(file ? { file } : {}),
          })
        }
      }
      continue
    }
    for (const [key, child] of Object.entries(node))
      stack.push([child, `${pointer}/${escapePointer(key)}`])
  }
}

export async function loadSpec(source: SpecSource): Promise<LoadedSpec> {
  const rootText = source.files[source.root]
  if (rootText === undefined) refuse(`The root file "${source.root}" is missing.`, 422)
  const root = parseSpecText(rootText, source.root) as Record<string, unknown>
  const { flavour, openapiVersion } = detectFlavour(root)
  checkContainers(root, flavour)
  const parsed = new Map<string, unknown>([[source.root, root]])
  await checkReferences(source, parsed)
  const warnings: SpecProblem[] = []
  if (flavour !== 'openapi-3.1') {
    for (const [file, value] of parsed)
      dropRefSiblings(value, file === source.root ? undefined : file, warnings)
  }
  const document = parsed.size === 1 ? root : await bundle(source, root, parsed)
  const { understood, problems } = await validateLeniently(document, flavour, source)
  return {
    document: understood,
    flavour,
    openapiVersion,
    warnings: withLocations([...problems, ...warnings], source),
  }
}

const MAX_ROUNDS = 5

/**
 * Validates against the OpenAPI schema, leniently: what does not stop understanding the
 * document is set aside and reported as a problem (unknown keys are dropped, a missing
 * description or title becomes empty, a malformed component nothing references is left
 * out), and the document is validated again. Anything else refuses the import with every
 * violation found. Returns the document as understood (the upload itself is kept as is).
 */
async function validateLeniently(
  document: Record<string, unknown>,
  flavour: SpecFlavour,
  source: SpecSource,
): Promise<{ understood: Record<string, unknown>; problems: SpecProblem[] }> {
  let understood = document
  const problems: SpecProblem[] = []
  for (let round = 0; ; round++) {
    const candidate = structuredClone(understood)
    // A components-only 3.1 document is valid, but swagger-parser insists on paths or webhooks.
    if (flavour === 'openapi-3.1' && !('paths' in candidate) && !('webhooks' in candidate))
      candidate.paths = {}
    try {
      await SwaggerParser.validate(
        candidate as never,
        { resolve: { external: false }, dereference: { circular: 'ignore' } } as never,
      )
      return { understood, problems: problems.map((problem) => ({ ...problem, kind: 'problem' })) }
    } catch (error) {
      const details = (error as { details?: AjvLikeError[] }).details
      const repair =
        round < MAX_ROUNDS && Array.isArray(details) ? planRepairs(understood, details) : null
      if (!repair) throw new SpecImportError(withLocations(problemsFromValidation(error), source))
      if (understood === document) understood = structuredClone(document)
      for (const step of repair) {
        step.apply(understood)
        if (problems.length < MAX_PROBLEMS) problems.push(step.problem)
      }
    }
  }
}

type Repair = { problem: SpecProblem; apply: (document: Record<string, unknown>) => void }

/** Where a component lives, for each flavour: `/components/schemas/Pet`, `/definitions/Pet`. */
const COMPONENT =
  /^(\/components\/[^/]+\/[^/]+|\/(?:definitions|parameters|responses)\/[^/]+)(?:\/|$)/

const FILLED_WHEN_MISSING = new Set(['description', 'title', 'version'])

function parentAndKey(
  document: unknown,
  pointer: string,
): [Record<string, unknown>, string] | null {
  const segments = pointer.split('/').slice(1).map(unescapePointer)
  const key = segments.pop()
  let node = document
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return null
    node = (node as Record<string, unknown>)[segment]
  }
  return node && typeof node === 'object' && key !== undefined
    ? [node as Record<string, unknown>, key]
    : null
}

function nodeAt(document: unknown, pointer: string): unknown {
  if (pointer === '') return document
  const found = parentAndKey(document, pointer)
  return found ? found[0][found[1]] : undefined
}

/**
 * The repairs for one round of schema errors, or null when one of the errors stops
 * understanding (then the import is refused). Errors that only follow from another (a
 * `oneOf` that failed, the `$ref` a Reference object would need) need no repair of their own.
 */
function planRepairs(document: Record<string, unknown>, details: AjvLikeError[]): Repair[] | null {
  const referenced = new Set(collectRefs(document).map(({ ref }) => ref.split('#')[1] ?? ''))
  const repairs = new Map<string, Repair>()
  // An object checked against several alternatives (a Response or a Reference) gets an
  // "unknown key" error from each: the key unknown to the most alternatives is the stray one.
  const unknown = new Map<string, Map<string, number>>()
  let blocking = false
  for (const detail of details) {
    const pointer = detail.instancePath ?? ''
    const component = COMPONENT.exec(pointer)?.[1]
    if (component && !referenced.has(component)) {
      repairs.set(`component ${component}`, {
        problem: {
          message: `${component} is not valid OpenAPI (${pointer} ${detail.message ?? 'is invalid'}) and nothing references it: left out.`,
          pointer: component,
        },
        apply: (target) => {
          const found = parentAndKey(target, component)
          if (found) delete found[0][found[1]]
        },
      })
      continue
    }
    const key = (detail.params?.additionalProperty ?? detail.params?.unevaluatedProperty) as
      string | undefined
    if (
      (detail.keyword === 'additionalProperties' || detail.keyword === 'unevaluatedProperties') &&
      key !== undefined &&
      key !== '$ref'
    ) {
      const counts = unknown.get(pointer) ?? new Map<string, number>()
      counts.set(key, (counts.get(key) ?? 0) + 1)
      unknown.set(pointer, counts)
      continue
    }
    const missing = detail.params?.missingProperty as string | undefined
    if (detail.keyword === 'required' && missing !== undefined) {
      if (missing === '$ref') continue
      if (FILLED_WHEN_MISSING.has(missing) && typeof nodeAt(document, pointer) === 'object') {
        repairs.set(`missing ${pointer} ${missing}`, {
          problem: {
            message: `${pointer || '(document)'} is missing the required property "${missing}": taken as empty.`,
            pointer,
          },
          apply: (target) => {
            const node = nodeAt(target, pointer) as Record<string, unknown> | undefined
            if (node && typeof node === 'object' && !(missing in node)) node[missing] = ''
          },
        })
        continue
      }
      blocking = true
      continue
    }
    if (['oneOf', 'anyOf', 'if', 'not', 'then', 'else'].includes(detail.keyword ?? '')) continue
    blocking = true
  }
  for (const [pointer, counts] of unknown) {
    const most = Math.max(...counts.values())
    for (const [key, count] of counts) {
      if (count < most) continue
      repairs.set(`unknown ${pointer} ${key}`, {
        problem: {
          message: `${pointer || '(document)'} has an unknown property "${key}": ignored.`,
          pointer: `${pointer}/${escapePointer(key)}`,
        },
        apply: (target) => {
          const node = nodeAt(target, pointer) as Record<string, unknown> | undefined
          if (node && typeof node === 'object') delete node[key]
        },
      })
    }
  }
  return blocking || repairs.size === 0 ? null : [...repairs.values()]
}

/** Inlines the other files of a multi-file upload; references between them become internal. */
async function bundle(
  source: SpecSource,
  root: Record<string, unknown>,
  parsed: Map<string, unknown>,
) {
  const options = {
    resolve: {
      external: true,
      file: false,
      http: false,
      upload: {
        order: 1,
        canRead: (file: { url: string }) =>
          file.url.startsWith(VIRTUAL_BASE) || parsed.has(file.url.split('#')[0]!),
        read: (file: { url: string }) => {
          const address = file.url.split('#')[0]!
          const name = address.startsWith(VIRTUAL_BASE)
            ? decodeURIComponent(address.slice(VIRTUAL_BASE.length))
            : address
          const value = parsed.get(name)
          if (value === undefined) throw new Error(`"${name}" is not in the upload`)
          return structuredClone(value) as object
        },
      },
    },
    parse: {
      json: false,
      yaml: false,
      text: false,
      binary: false,
      preParsed: {
        order: 1,
        allowEmpty: false,
        canParse: true,
        parse: (file: { data: unknown }) => file.data as object,
      },
    },
    validate: { schema: false, spec: false },
  }
  try {
    const rootUrl = VIRTUAL_BASE + source.root.split('/').map(encodeURIComponent).join('/')
    return (await SwaggerParser.bundle(
      rootUrl,
      structuredClone(root) as never,
      options as never,
    )) as unknown as Record<string, unknown>
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new SpecImportError(
      withLocations(
        [{ message: `References could not be resolved: ${message}`, pointer: '' }],
        source,
      ),
    )
  }
}
