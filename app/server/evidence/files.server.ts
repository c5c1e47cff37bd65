/**
 * Evidence files (screenshots, logs, PDFs) attached to a plan item or phase:
 * the type is sniffed from the bytes (the upload's name and type are not
 * believed), HTML, SVG and anything executable are refused, the bytes live
 * under DATA_DIR/evidence/<partner project>/<file id> (never a name the
 * uploader chose), and each file is chained as evidence when it is stored.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Phase } from '~/shared/plan'
import { db } from '../db.server'
import { getEnv } from '../env.server'
import { recordEvidence } from './append.server'
import { contentHash } from './chain.server'
import { fileContent } from './records.server'

export const MAX_EVIDENCE_FILE_BYTES = 10 * 1024 * 1024

export class EvidenceFileError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 413 | 415 = 400,
  ) {
    super(message)
  }
}

type Sniffed = { mediaType: string; extension: string }

const MAGIC: [number[], Sniffed][] = [
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], { mediaType: 'image/png', extension: 'png' }],
  [[0xff, 0xd8, 0xff], { mediaType: 'image/jpeg', extension: 'jpg' }],
  [[0x47, 0x49, 0x46, 0x38], { mediaType: 'image/gif', extension: 'gif' }],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], { mediaType: 'application/pdf', extension: 'pdf' }],
]

const MARKUP = /^\s*(<!doctype|<html|<head|<body|<script|<svg|<\?xml|<iframe|<object|<embed)/i

function startsWith(bytes: Uint8Array, magic: number[], offset = 0) {
  return magic.every((byte, index) => bytes[offset + index] === byte)
}

/**
 * What the bytes are, or why they are refused. Images, PDFs and plain UTF-8
 * text (logs, JSON, HAR, CSV) are accepted; markup and binaries are not.
 */
export function sniffEvidence(bytes: Uint8Array): Sniffed {
  for (const [magic, sniffed] of MAGIC) if (startsWith(bytes, magic)) return sniffed
  // WebP: RIFF....WEBP
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return { mediaType: 'image/webp', extension: 'webp' }
  if (bytes.includes(0))
    throw new EvidenceFileError(
      'This file type is not accepted. Attach screenshots (PNG, JPEG, GIF, WebP), PDFs, or text files such as logs, JSON or HAR.',
      415,
    )
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new EvidenceFileError(
      'This file is neither an image, a PDF nor UTF-8 text. Attach screenshots, PDFs, or text files such as logs, JSON or HAR.',
      415,
    )
  }
  if (MARKUP.test(text))
    throw new EvidenceFileError(
      'HTML, SVG and XML files are not accepted as evidence (they could run in a browser). Save the page as a PDF or take a screenshot.',
      415,
    )
  const trimmed = text.trim()
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      JSON.parse(trimmed)
      return { mediaType: 'application/json', extension: 'json' }
    } catch {
      // text that merely starts like JSON
    }
  }
  return { mediaType: 'text/plain', extension: 'txt' }
}

/** A display name: the base name only, no control characters, at most 200 characters. */
export function cleanFileName(name: string, extension: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  const unsafe = /[\u0000-\u001f\u007f"<>|*?:]/g
  const clean = base.replace(unsafe, '').trim().slice(0, 200)
  return clean || `evidence.${extension}`
}

function storageRoot() {
  return path.resolve(getEnv().DATA_DIR, 'evidence')
}

function storagePathOf(partnerProjectId: string, fileId: string) {
  return path.join(storageRoot(), partnerProjectId, fileId)
}

export type StoreFileInput = {
  partnerProjectId: string
  name: string
  bytes: Uint8Array
  phase: Phase | null
  planItemId: string | null
  uploaderKind: 'vendor' | 'partner'
  uploadedById: string | null
}

export async function storeEvidenceFile(input: StoreFileInput) {
  if (input.bytes.byteLength === 0) throw new EvidenceFileError('The file is empty.')
  if (input.bytes.byteLength > MAX_EVIDENCE_FILE_BYTES)
    throw new EvidenceFileError(
      `The file is ${(input.bytes.byteLength / 1024 / 1024).toFixed(1)} MB; evidence files are limited to 10 MB.`,
      413,
    )
  const sniffed = sniffEvidence(input.bytes)
  const id = crypto.randomUUID()
  const relative = path.join('evidence', input.partnerProjectId, id)
  const target = storagePathOf(input.partnerProjectId, id)
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 })
  const temporary = `${target}.part`
  fs.writeFileSync(temporary, input.bytes, { mode: 0o600 })
  fs.renameSync(temporary, target)
  const sha256 = crypto.createHash('sha256').update(input.bytes).digest('hex')
  try {
    const { result } = await recordEvidence(input.partnerProjectId, async (tx) => {
      const file = await tx.evidenceFile.create({
        data: {
          id,
          partnerProjectId: input.partnerProjectId,
          name: cleanFileName(input.name, sniffed.extension),
          mediaType: sniffed.mediaType,
          size: input.bytes.byteLength,
          sha256,
          storagePath: relative,
          phase: input.phase,
          planItemId: input.planItemId,
          uploaderKind: input.uploaderKind,
          uploadedById: input.uploadedById,
        },
      })
      return {
        items: [
          {
            kind: 'file',
            refId: file.id,
            label: `${file.name} (${file.mediaType}, ${file.size} bytes)`,
            contentHash: contentHash(fileContent(file)),
          },
        ],
        result: file,
      }
    })
    return result
  } catch (error) {
    fs.rmSync(target, { force: true })
    throw error
  }
}

/** Whether each file's bytes on disk still hash to what was stored. */
export async function fileBytesHash(
  partnerProjectId: string,
  ids: string[],
): Promise<Map<string, 'ok' | 'changed' | 'missing'>> {
  const rows = await db.evidenceFile.findMany({
    where: { partnerProjectId, id: { in: ids } },
    select: { id: true, sha256: true },
  })
  const out = new Map<string, 'ok' | 'changed' | 'missing'>()
  for (const row of rows) {
    const file = storagePathOf(partnerProjectId, row.id)
    if (!fs.existsSync(file)) {
      out.set(row.id, 'missing')
      continue
    }
    const hash = crypto.createHash('sha256')
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer)
    out.set(row.id, hash.digest('hex') === row.sha256 ? 'ok' : 'changed')
  }
  return out
}

/** The bytes of a partner project's file, for download (the caller has checked access). */
export async function readEvidenceFile(partnerProjectId: string, fileId: string) {
  const file = await db.evidenceFile.findFirst({ where: { id: fileId, partnerProjectId } })
  if (!file) throw new EvidenceFileError('File not found.', 404)
  const location = storagePathOf(partnerProjectId, file.id)
  if (!fs.existsSync(location))
    throw new EvidenceFileError('The file’s bytes are missing from the server.', 404)
  return { file, bytes: fs.readFileSync(location) }
}

/** Headers that make a browser save the file, never render it as a page. */
export function attachmentHeaders(file: { name: string; mediaType: string; size: number }) {
  const ascii = file.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return {
    'Content-Type': file.mediaType === 'text/plain' ? 'text/plain; charset=utf-8' : file.mediaType,
    'Content-Length': String(file.size),
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, no-store',
  }
}
