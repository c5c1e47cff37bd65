/** Imports a spec into a project as a new version (or finds the identical one), and reads them back. */
import { plural } from '~/shared/format'
import { createHash } from 'node:crypto'
import { db } from '../db.server'
import type { NormalizedSpec, SpecWarning } from '~/shared/normalized-spec'
import { analyzeOffThread, type ImportAnalysis } from './pool.server'
import { refuse } from './problems.server'
import {
  isZip,
  MAX_SPEC_BYTES,
  singleFileSource,
  zipSource,
  type SpecSource,
} from './source.server'

export type SpecSourceKind = 'upload' | 'paste' | 'url' | 'api'

export type ImportInput = {
  projectId: string
  /** Same name as an existing spec of the project = a new version of it. Defaults to the API title. */
  name?: string
  raw: Uint8Array
  sourceKind: SpecSourceKind
  sourceName?: string
  /** Root file inside a zip; detected when absent. */
  root?: string
  createdById?: string | null
}

export async function importSpec(input: ImportInput) {
  if (input.raw.byteLength === 0)
    refuse('The spec is empty: paste or upload an OpenAPI document.', 400)
  if (input.raw.byteLength > MAX_SPEC_BYTES)
    refuse(`The spec is larger than ${MAX_SPEC_BYTES / 1024 / 1024} MB.`, 413)
  const source = sourceFromRaw(input)
  return saveAnalyzedSpec(input, source, await analyzeOffThread(source))
}

export function sourceFromRaw(input: Pick<ImportInput, 'raw' | 'root' | 'sourceName'>): SpecSource {
  return isZip(input.raw)
    ? zipSource(input.raw, input.root)
    : singleFileSource(new TextDecoder('utf-8').decode(input.raw), input.sourceName || undefined)
}

/** Stores an analysed import as a new version, or returns the version with identical content. */
export async function saveAnalyzedSpec(
  input: ImportInput,
  source: SpecSource,
  analyzed: ImportAnalysis,
) {
  const zipped = isZip(input.raw)
  const contentHash = createHash('sha256').update(input.raw).digest('hex')
  const { summary } = analyzed
  const name = (input.name?.trim() || summary.title).slice(0, 120)

  const existingSpec = await db.spec.findUnique({
    where: { projectId_name: { projectId: input.projectId, name } },
  })
  if (existingSpec) {
    const same = await db.specVersion.findFirst({
      where: { specId: existingSpec.id, contentHash },
      orderBy: { number: 'desc' },
    })
    if (same) return { spec: existingSpec, version: same, created: false as const, analyzed }
  }
  const { spec, version } = await db.$transaction(async (tx) => {
    const spec =
      existingSpec ?? (await tx.spec.create({ data: { projectId: input.projectId, name } }))
    const last = await tx.specVersion.findFirst({
      where: { specId: spec.id },
      orderBy: { number: 'desc' },
      select: { number: true },
    })
    const version = await tx.specVersion.create({
      data: {
        specId: spec.id,
        number: (last?.number ?? 0) + 1,
        contentHash,
        sourceKind: input.sourceKind,
        sourceName: (input.sourceName ?? '').slice(0, 500),
        rawFormat: zipped ? 'zip' : 'text',
        raw: Buffer.from(input.raw),
        rootFile: source.root,
        flavour: summary.flavour,
        openapiVersion: summary.openapiVersion,
        title: summary.title,
        apiVersion: summary.version,
        operationCount: summary.operationCount,
        normalized: analyzed.normalizedJson,
        warnings: JSON.stringify(analyzed.warnings),
        createdById: input.createdById ?? null,
      },
    })
    await tx.spec.update({ where: { id: spec.id }, data: { updatedAt: new Date() } })
    return { spec, version }
  })
  return { spec, version, created: true as const, analyzed }
}

export function listSpecs(projectId: string) {
  return db.spec.findMany({
    where: { projectId },
    orderBy: { updatedAt: 'desc' },
    include: {
      versions: {
        orderBy: { number: 'desc' },
        select: {
          id: true,
          number: true,
          title: true,
          apiVersion: true,
          openapiVersion: true,
          operationCount: true,
          warnings: true,
          createdAt: true,
          sourceKind: true,
        },
      },
    },
  })
}

/** A version of a spec of this project; null when any id does not match. */
export async function getSpecVersion(projectId: string, specId: string, versionId: string) {
  return db.specVersion.findFirst({
    where: { id: versionId, specId, spec: { projectId } },
    include: { spec: true },
  })
}

export function readNormalized(version: { normalized: string }): NormalizedSpec {
  return JSON.parse(version.normalized) as NormalizedSpec
}

/** A version's description without its large columns (the upload and the normalised spec). */
export async function getSpecVersionSummary(projectId: string, specId: string, versionId: string) {
  return db.specVersion.findFirst({
    where: { id: versionId, specId, spec: { projectId } },
    omit: { raw: true, normalized: true },
    include: { spec: { select: { name: true } } },
  })
}

/** The version with its parsed spec, for the pages that browse it; a 404 when the project has no such version. */
export async function requireSpecVersion(projectId: string, specId: string, versionId: string) {
  const version = await getSpecVersionSummary(projectId, specId, versionId)
  if (!version)
    throw new Response('That spec version does not exist in this project.', { status: 404 })
  return { version, spec: await versionSpec(version.id) }
}

/** Versions never change: their parsed specs are kept for the pages that browse them. */
const PARSED_KEPT = 6
const parsedSpecs = new Map<string, NormalizedSpec>()

/** The normalised spec of a version whose access was checked (parsed once, then kept). */
export async function versionSpec(versionId: string): Promise<NormalizedSpec> {
  const kept = parsedSpecs.get(versionId)
  if (kept) {
    parsedSpecs.delete(versionId)
    parsedSpecs.set(versionId, kept)
    return kept
  }
  const { normalized } = await db.specVersion.findUniqueOrThrow({
    where: { id: versionId },
    select: { normalized: true },
  })
  const spec = readNormalized({ normalized })
  parsedSpecs.set(versionId, spec)
  if (parsedSpecs.size > PARSED_KEPT) parsedSpecs.delete(parsedSpecs.keys().next().value!)
  return spec
}

export function readWarnings(version: { warnings: string }): SpecWarning[] {
  return JSON.parse(version.warnings) as SpecWarning[]
}

/** Violations of the OpenAPI schema the import set aside, and advice, counted apart. */
export function countWarnings(warnings: SpecWarning[]): {
  problemCount: number
  warningCount: number
} {
  const problemCount = warnings.filter((warning) => warning.kind === 'problem').length
  return { problemCount, warningCount: warnings.length - problemCount }
}

/** "; imported with 2 problems (listed on the version page)", or nothing. */
export function problemNote(warnings: SpecWarning[]): string {
  const { problemCount } = countWarnings(warnings)
  return problemCount === 0
    ? ''
    : `; imported with ${plural(problemCount, 'problem')} (listed on the version page)`
}

/** A version of a spec of this project by id or by number (`3` or `v3`); null when not found. */
export async function findSpecVersion(projectId: string, specId: string, ref: string) {
  const number = /^v?(\d+)$/i.exec(ref.trim())?.[1]
  return db.specVersion.findFirst({
    where: { specId, spec: { projectId }, ...(number ? { number: Number(number) } : { id: ref }) },
    include: { spec: true },
  })
}

export function listVersionNumbers(projectId: string, specId: string) {
  return db.specVersion.findMany({
    where: { specId, spec: { projectId } },
    orderBy: { number: 'desc' },
    select: { id: true, number: true, apiVersion: true, createdAt: true },
  })
}
