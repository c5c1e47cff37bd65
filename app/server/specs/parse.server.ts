/**
 * Turns uploaded text into a plain JSON value, safely: YAML aliases are
 * capped (no billion-laughs), nesting depth is capped, binary is refused,
 * and positions of JSON pointers can be found back in the text.
 */
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'
import { refuse, SpecImportError } from './problems.server'

export const MAX_DEPTH = 200
const MAX_ALIASES = 1000

function looksBinary(text: string): boolean {
  const sample = text.slice(0, 8192)
  if (sample.includes('\u0000')) return true
  let control = 0
  for (let index = 0; index < sample.length; index++) {
    const code = sample.charCodeAt(index)
    if ((code < 9 || (code > 13 && code < 32)) && code !== 27) control++
    if (code === 0xfffd) control++
  }
  return control > sample.length * 0.05
}

/** Iterative, so a hostile 10,000-deep document cannot overflow the stack here. */
export function measureDepth(value: unknown, limit = MAX_DEPTH): number {
  let max = 0
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (node === null || typeof node !== 'object') continue
    if (depth > max) max = depth
    if (max > limit) return max
    for (const child of Array.isArray(node) ? node : Object.values(node))
      stack.push([child, depth + 1])
  }
  return max
}

/** A quick bracket count: refuses absurd nesting before any recursive parser sees it. */
function roughNesting(text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (inString) {
      if (char === '\\') index++
      else if (char === '"') inString = false
      continue
    }
    if (char === '"') inString = true
    else if (char === '{' || char === '[') max = Math.max(max, ++depth)
    else if (char === '}' || char === ']') depth--
  }
  return max
}

export function parseSpecText(text: string, file = 'spec'): unknown {
  if (text.trim() === '') refuse(`${file} is empty: paste or upload an OpenAPI document.`, 400)
  if (looksBinary(text))
    refuse(`${file} is not text: upload a JSON or YAML OpenAPI document (or a .zip of them).`, 400)
  if (roughNesting(text) > MAX_DEPTH) {
    refuse(
      `${file} nests deeper than ${MAX_DEPTH} levels; no real API description does. Refused.`,
      422,
    )
  }
  const value = isJson(text, file) ? parseJson(text, file) : parseYaml(text, file)
  if (measureDepth(value) > MAX_DEPTH) {
    refuse(
      `${file} nests deeper than ${MAX_DEPTH} levels; no real API description does. Refused.`,
      422,
    )
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    refuse(
      `${file} is not an OpenAPI document: expected an object with an "openapi" or "swagger" key.`,
      422,
    )
  }
  return value
}

/** A `.json` file, or text that opens like JSON and is not named `.yaml`/`.yml`, is JSON. */
function isJson(text: string, file: string): boolean {
  if (/\.json$/i.test(file)) return true
  if (/\.ya?ml$/i.test(file)) return false
  const first = text.trimStart()[0]
  return first === '{' || first === '['
}

/** Line and column (1-based) of a character offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let index = text.indexOf('\n'); index !== -1 && index < offset;) {
    line++
    lineStart = index + 1
    index = text.indexOf('\n', lineStart)
  }
  return { line, column: offset - lineStart + 1 }
}

/** The offset of the last character before `offset` that is not white space (-1 if none). */
function previousSignificant(text: string, offset: number): number {
  let index = Math.min(offset, text.length) - 1
  while (index >= 0 && /\s/.test(text[index]!)) index--
  return index
}

/**
 * What a JSON syntax error usually means, and where it really is: a trailing comma is
 * reported at the comma, not at the bracket after it.
 */
function explainJsonError(text: string, offset: number): { at: number; hint: string } {
  const char = text[offset]
  const before = previousSignificant(text, offset)
  if ((char === '}' || char === ']') && text[before] === ',')
    return { at: before, hint: `remove the trailing comma: JSON allows none before "${char}"` }
  if (offset >= text.length)
    return {
      at: Math.max(0, before),
      hint: 'the document ends too early: a closing "}" or "]" (or a quote) is missing',
    }
  if (char === '/' && (text[offset + 1] === '/' || text[offset + 1] === '*'))
    return { at: offset, hint: 'JSON has no comments: remove them, or upload the file as YAML' }
  if (char === "'") return { at: offset, hint: 'JSON strings and names take double quotes' }
  if (char === '"' && before >= 0 && !/[[{,:]/.test(text[before]!))
    return { at: offset, hint: 'a comma is missing before this value' }
  if (char !== undefined && /[A-Za-z_$]/.test(char) && /[{,]/.test(text[before] ?? ''))
    return { at: offset, hint: 'property names take double quotes in JSON' }
  return { at: offset, hint: 'check the characters just before this point' }
}

/** Parses JSON and reports a syntax error at its own line and column, with a hint. */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    // JSON.parse names no position for some errors (Node 20): a located parser finds it.
    const errors: ParseError[] = []
    parseTree(text, errors, { allowTrailingComma: false, disallowComments: true })
    const first = errors[0]
    const offset = first?.offset ?? text.length
    const { at, hint } = explainJsonError(text, offset)
    const { line, column } = positionOf(text, at)
    const reason = first
      ? printParseErrorCode(first.error)
          .replace(/([a-z])([A-Z])/g, '$1 $2')
          .toLowerCase()
      : (error instanceof Error ? error.message : String(error)).slice(0, 200)
    throw new SpecImportError(
      [
        {
          message: `${file} is not valid JSON at line ${line}, column ${column}: ${hint} (${reason}).`,
          pointer: '',
          line,
          column,
        },
      ],
      422,
    )
  }
}

function parseYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter()
  let document
  try {
    document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  } catch (error) {
    refuse(
      `${file} could not be parsed: ${error instanceof Error ? error.message : String(error)}`,
      422,
    )
  }
  if (document.errors.length > 0) {
    throw new SpecImportError(
      document.errors.slice(0, 50).map((error) => {
        const position = lineCounter.linePos(error.pos[0])
        return {
          message: `${file}: ${error.message.split('\n')[0]}`,
          pointer: '',
          line: position.line,
          column: position.col,
        }
      }),
    )
  }
  try {
    return document.toJS({ maxAliasCount: MAX_ALIASES })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (/alias/i.test(message)) {
      refuse(
        `${file} expands YAML aliases excessively (a "billion laughs" document). Refused.`,
        422,
      )
    }
    refuse(`${file} could not be read: ${message}`, 422)
  }
}

export function unescapePointer(segment: string) {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~')
}

/**
 * Finds where JSON pointers live in the source text (JSON or YAML), walking
 * as deep as each path exists. Parses the text once per locator.
 */
export function createLocator(
  text: string,
): (pointer: string) => { line: number; column: number } | undefined {
  const lineCounter = new LineCounter()
  let root: Node | null = null
  try {
    root = parseDocument(text, { lineCounter }).contents
  } catch {
    return () => undefined
  }
  return (pointer) => {
    let node: Node | null = root
    let found = node
    for (const segment of pointer.split('/').slice(1).map(unescapePointer)) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === segment,
        )
        if (!pair) break
        found = (pair.key as Node) ?? found
        node = (pair.value as Node | null) ?? null
        if (node) found = node
      } else if (isSeq(node)) {
        const child = node.items[Number(segment)] as Node | undefined
        if (!child) break
        node = child
        found = child
      } else break
    }
    const offset = found?.range?.[0]
    if (offset === undefined) return undefined
    const position = lineCounter.linePos(offset)
    return { line: position.line, column: position.col }
  }
}
