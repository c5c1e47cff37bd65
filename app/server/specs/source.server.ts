/**
 * What the user uploaded: one text file, or the files of a .zip. Files are
 * addressed by their path inside the upload; nothing outside it is readable.
 */
import path from 'node:path'
import { unzipSync } from 'fflate'
import { parseSpecText } from './parse.server'
import { refuse } from './problems.server'

export const MAX_SPEC_BYTES = 20 * 1024 * 1024
const MAX_ZIP_FILES = 5000
const SPEC_FILE = /\.(ya?ml|json)$/i

export type SpecSource = {
  /** path inside the upload -> text */
  files: Record<string, string>
  root: string
}

/** One document; unnamed (or oddly named) text is `openapi.json` when it opens like JSON, else `openapi.yaml`. */
export function singleFileSource(text: string, name?: string): SpecSource {
  if (Buffer.byteLength(text) > MAX_SPEC_BYTES)
    refuse(`The spec is larger than ${MAX_SPEC_BYTES / 1024 / 1024} MB.`, 413)
  const first = text.trimStart()[0]
  const root =
    name && SPEC_FILE.test(name)
      ? path.posix.basename(name)
      : first === '{' || first === '['
        ? 'openapi.json'
        : 'openapi.yaml'
  return { files: { [root]: text }, root }
}

export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length > 3 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    bytes[2] === 0x03 &&
    bytes[3] === 0x04
  )
}

/** Normalises a path inside the zip; refuses absolute paths and `..` escapes (zip slip). */
function safeZipPath(name: string): string {
  const normalised = path.posix.normalize(name.replace(/\\/g, '/'))
  if (
    normalised.startsWith('/') ||
    normalised.startsWith('../') ||
    normalised === '..' ||
    /^[a-zA-Z]:/.test(normalised)
  ) {
    refuse(
      `The zip contains an unsafe path "${name}" (absolute or outside the archive). Refused.`,
      422,
    )
  }
  return normalised
}

export function zipSource(bytes: Uint8Array, requestedRoot?: string): SpecSource {
  if (bytes.byteLength > MAX_SPEC_BYTES)
    refuse(`The upload is larger than ${MAX_SPEC_BYTES / 1024 / 1024} MB.`, 413)
  let entries: Record<string, Uint8Array>
  let total = 0
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        safeZipPath(file.name)
        total += file.originalSize
        if (total > MAX_SPEC_BYTES * 5) refuse('The zip expands to more than 100 MB. Refused.', 413)
        return SPEC_FILE.test(file.name) && !file.name.startsWith('__MACOSX/')
      },
    })
  } catch (error) {
    if (error instanceof Error && error.name === 'SpecImportError') throw error
    refuse(
      `The zip could not be read: ${error instanceof Error ? error.message : String(error)}`,
      422,
    )
  }
  const names = Object.keys(entries)
  if (names.length === 0) refuse('The zip holds no .yaml, .yml or .json file.', 422)
  if (names.length > MAX_ZIP_FILES)
    refuse(`The zip holds more than ${MAX_ZIP_FILES} spec files.`, 413)
  const decoder = new TextDecoder('utf-8')
  const files: Record<string, string> = {}
  for (const name of names) files[safeZipPath(name)] = decoder.decode(entries[name])
  const root = requestedRoot ? safeZipPath(requestedRoot) : detectRoot(files)
  if (!(root in files))
    refuse(
      `The root file "${requestedRoot}" is not in the zip. Files: ${names.slice(0, 10).join(', ')}`,
      422,
    )
  return { files, root }
}

/** The document with a top-level openapi/swagger key that no other file references. */
export function detectRoot(files: Record<string, string>): string {
  const candidates = Object.entries(files)
    .filter(([, text]) =>
      /^(openapi|swagger)\s*:|"(openapi|swagger)"\s*:/m.test(text.slice(0, 4096)),
    )
    .map(([name]) => name)
  const referenced = (name: string) =>
    Object.entries(files).some(
      ([other, text]) =>
        other !== name && text.includes(path.posix.basename(name)) && /\$ref/.test(text),
    )
  const roots = candidates.filter((name) => !referenced(name))
  const chosen = roots.length > 0 ? roots : candidates
  if (chosen.length === 0)
    refuse(
      'No file in the zip has a top-level "openapi" or "swagger" key. Choose the root file.',
      422,
    )
  if (chosen.length > 1) {
    refuse(
      `Several files could be the root (${chosen.slice(0, 5).join(', ')}). Choose the root file.`,
      422,
    )
  }
  return chosen[0]!
}

/** Parses every file once with the safe parser (alias and depth caps). */
export function parseSourceFiles(source: SpecSource): Map<string, unknown> {
  const parsed = new Map<string, unknown>()
  for (const [name, text] of Object.entries(source.files))
    parsed.set(name, parseSpecText(text, name))
  return parsed
}
