/**
 * Blueprint annotations: a vendor's notes on an operation or on one field of
 * its schemas, read wherever partners need them (spec browser, playground,
 * failing cases, blueprint, assistant). Every query is scoped by the spec;
 * every write is checked against the spec's latest version and audited with
 * the note before and after.
 */
import {
  ANNOTATION_TYPES,
  MAX_ANNOTATION_CHARS,
  MAX_FIELD_PATH_CHARS,
  type AnnotationType,
} from '~/shared/annotations'
import type { NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'
import { type Actor, auditAs } from '../audit/log.server'
import { db } from '../db.server'
import { versionSpec } from '../specs/store.server'
import { findOperation } from '../specs/view.server'
import { annotatableFieldPaths, fieldPathExists, type FieldPathList } from './field-paths.server'
import { renderMarkdown } from './markdown.server'

export { ANNOTATION_TYPES, type AnnotationType }

export type AnnotationView = {
  id: string
  type: AnnotationType
  operationId: string
  fieldPath: string
  /** The Markdown source. */
  body: string
  /** Sanitised HTML of the body. */
  html: string
  orphaned: boolean
  orphanedVersion: number | null
  updatedAt: string
}

export function toAnnotationView(row: {
  id: string
  type: string
  operationId: string
  fieldPath: string
  body: string
  orphanedAt: Date | null
  orphanedVersion: number | null
  updatedAt: Date
}): AnnotationView {
  return {
    id: row.id,
    type: row.type as AnnotationType,
    operationId: row.operationId,
    fieldPath: row.fieldPath,
    body: row.body,
    html: renderMarkdown(row.body),
    orphaned: row.orphanedAt !== null,
    orphanedVersion: row.orphanedVersion,
    updatedAt: row.updatedAt.toISOString(),
  }
}

/** The annotations of one operation of a spec (operation-level first, then by field path). */
export async function annotationsForOperation(
  specId: string,
  operationId: string,
): Promise<AnnotationView[]> {
  const rows = await db.annotation.findMany({
    where: { specId, operationId },
    orderBy: [{ fieldPath: 'asc' }, { createdAt: 'asc' }],
  })
  return rows.map(toAnnotationView)
}

/** Every annotation of a spec (for the blueprint and the assistant), by operation then field. */
export async function annotationsForSpec(specId: string): Promise<AnnotationView[]> {
  const rows = await db.annotation.findMany({
    where: { specId },
    orderBy: [{ operationId: 'asc' }, { fieldPath: 'asc' }, { createdAt: 'asc' }],
  })
  return rows.map(toAnnotationView)
}

/** How many annotations each operation of a spec has (operation id -> count). */
export async function annotationCounts(specId: string): Promise<Record<string, number>> {
  const rows = await db.annotation.groupBy({
    by: ['operationId'],
    where: { specId },
    _count: { _all: true },
  })
  return Object.fromEntries(rows.map((row) => [row.operationId, row._count._all]))
}

/**
 * The annotations a newer version left without their operation or field, each with
 * the newest version that still had it (the place to read it in context).
 */
export async function orphanedAnnotations(specId: string) {
  const [rows, versions] = await Promise.all([
    db.annotation.findMany({
      where: { specId, orphanedAt: { not: null } },
      orderBy: [{ orphanedAt: 'desc' }, { operationId: 'asc' }, { fieldPath: 'asc' }],
    }),
    db.specVersion.findMany({
      where: { specId },
      orderBy: { number: 'desc' },
      select: { id: true, number: true },
    }),
  ])
  return rows.map((row) => ({
    ...toAnnotationView(row),
    lastVersion:
      versions.find((version) => version.number < (row.orphanedVersion ?? Infinity)) ?? null,
  }))
}

export class AnnotationError extends Error {
  constructor(
    message: string,
    public status: number,
    /** The form field the message belongs to, if one. */
    public field: 'type' | 'fieldPath' | 'body' | null = null,
  ) {
    super(message)
  }
}

async function latestVersion(specId: string) {
  return db.specVersion.findFirst({
    where: { specId },
    orderBy: { number: 'desc' },
    select: { id: true, number: true },
  })
}

async function requireSpec(actor: Actor, specId: string) {
  const spec = await db.spec.findFirst({
    where: { id: specId, projectId: actor.projectId },
    select: { id: true, name: true },
  })
  if (!spec) throw new AnnotationError('That spec does not exist in this project.', 404)
  return spec
}

async function requireAnnotation(actor: Actor, specId: string, annotationId: string) {
  const row = await db.annotation.findFirst({
    where: { id: annotationId, specId, projectId: actor.projectId },
  })
  if (!row) throw new AnnotationError('That note does not exist (it may have been deleted).', 404)
  return row
}

export type AnnotationEditor = {
  latest: { id: string; number: number }
  /** Whether the latest version has the operation (notes are only added where it does). */
  operationInLatest: boolean
  fieldPaths: FieldPathList
}

/** What the add/edit form offers: the field paths of the operation in the spec's latest version. */
export async function annotationEditor(
  specId: string,
  operationId: string,
): Promise<AnnotationEditor | null> {
  const latest = await latestVersion(specId)
  if (!latest) return null
  const operation = findOperation(await versionSpec(latest.id), operationId)
  return {
    latest,
    operationInLatest: operation !== undefined,
    fieldPaths: operation
      ? annotatableFieldPaths(await versionSpec(latest.id), operation)
      : { paths: [], truncated: false },
  }
}

export type AnnotationInput = {
  type: string
  fieldPath: string
  body: string
}

/** The input checked against the rules that need no spec: type, sizes. */
function checkInput(input: AnnotationInput): {
  type: AnnotationType
  fieldPath: string
  body: string
} {
  if (!(ANNOTATION_TYPES as readonly string[]).includes(input.type))
    throw new AnnotationError(
      `Choose a note type: ${ANNOTATION_TYPES.join(', ')} ("${input.type.slice(0, 40)}" is not one).`,
      400,
      'type',
    )
  if (input.fieldPath.length > MAX_FIELD_PATH_CHARS)
    throw new AnnotationError(
      `Keep the field path under ${MAX_FIELD_PATH_CHARS} characters.`,
      400,
      'fieldPath',
    )
  const body = input.body.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD').trimEnd()
  if (body.trim().length === 0) throw new AnnotationError('Write the note.', 400, 'body')
  if (body.length > MAX_ANNOTATION_CHARS)
    throw new AnnotationError(
      `Keep a note to ${MAX_ANNOTATION_CHARS.toLocaleString('en-GB')} characters (this one has ${body.length.toLocaleString('en-GB')}).`,
      413,
      'body',
    )
  return { type: input.type as AnnotationType, fieldPath: input.fieldPath, body }
}

/** The operation in the spec's latest version, and the field path checked against it. */
async function checkTarget(specId: string, operationId: string, fieldPath: string) {
  const latest = await latestVersion(specId)
  if (!latest) throw new AnnotationError('This spec has no version to annotate.', 404)
  const spec = await versionSpec(latest.id)
  const operation = findOperation(spec, operationId)
  if (!operation)
    throw new AnnotationError(
      `The latest version (v${latest.number}) of this spec has no operation "${operationId.slice(0, 200)}": notes are added to operations that still exist.`,
      400,
    )
  if (!fieldPathExists(spec, operation, fieldPath))
    throw new AnnotationError(
      `${operation.method} ${operation.path} has no field "${fieldPath.slice(0, 200)}" in v${latest.number}: pick one from the list (or the whole operation).`,
      400,
      'fieldPath',
    )
  return { latest, operation }
}

const snapshot = (row: { type: string; fieldPath: string; body: string }) => ({
  type: row.type,
  fieldPath: row.fieldPath,
  body: row.body,
})

export async function createAnnotation(
  actor: Actor,
  specId: string,
  operationId: string,
  input: AnnotationInput,
) {
  const spec = await requireSpec(actor, specId)
  const checked = checkInput(input)
  await checkTarget(spec.id, operationId, checked.fieldPath)
  const row = await db.annotation.create({
    data: {
      ...checked,
      operationId,
      specId: spec.id,
      projectId: actor.projectId,
      createdById: actor.userId,
      updatedById: actor.userId,
    },
  })
  await auditAs(
    actor,
    'annotation.created',
    { type: 'annotation', id: row.id },
    { spec: spec.name, specId: spec.id, operationId, before: null, after: snapshot(row) },
  )
  return row
}

/**
 * Changes a note's type, field and text. Its operation stays. A note flagged as
 * orphaned keeps its flag while its field is unchanged; moved to a field that
 * exists, it is current again.
 */
export async function updateAnnotation(
  actor: Actor,
  specId: string,
  annotationId: string,
  input: AnnotationInput,
) {
  const spec = await requireSpec(actor, specId)
  const before = await requireAnnotation(actor, spec.id, annotationId)
  const checked = checkInput(input)
  const keepsOrphan = before.orphanedAt !== null && checked.fieldPath === before.fieldPath
  if (!keepsOrphan) await checkTarget(spec.id, before.operationId, checked.fieldPath)
  const row = await db.annotation.update({
    where: { id: before.id },
    data: {
      ...checked,
      updatedById: actor.userId,
      ...(keepsOrphan ? {} : { orphanedAt: null, orphanedVersion: null }),
    },
  })
  await auditAs(
    actor,
    'annotation.updated',
    { type: 'annotation', id: row.id },
    {
      spec: spec.name,
      specId: spec.id,
      operationId: row.operationId,
      before: snapshot(before),
      after: snapshot(row),
    },
  )
  return row
}

export async function deleteAnnotation(actor: Actor, specId: string, annotationId: string) {
  const spec = await requireSpec(actor, specId)
  const before = await requireAnnotation(actor, spec.id, annotationId)
  await db.annotation.delete({ where: { id: before.id } })
  await auditAs(
    actor,
    'annotation.deleted',
    { type: 'annotation', id: before.id },
    {
      spec: spec.name,
      specId: spec.id,
      operationId: before.operationId,
      before: snapshot(before),
      after: null,
    },
  )
  return before
}

/** Whether an annotation's operation and field exist in `spec`. */
export function annotationTargetExists(
  spec: NormalizedSpec,
  annotation: { operationId: string; fieldPath: string },
  operations: Map<string, NormalizedOperation | undefined> = new Map(),
): boolean {
  if (!operations.has(annotation.operationId))
    operations.set(annotation.operationId, findOperation(spec, annotation.operationId))
  const operation = operations.get(annotation.operationId)
  return operation !== undefined && fieldPathExists(spec, operation, annotation.fieldPath)
}

/**
 * After a new version of a spec is stored: annotations whose operation or field it
 * no longer has are flagged with that version (never deleted); flagged ones whose
 * field came back are current again. Returns how many changed each way.
 */
export async function flagOrphanedAnnotations(
  specId: string,
  version: { id: string; number: number },
): Promise<{ orphaned: number; restored: number }> {
  const rows = await db.annotation.findMany({
    where: { specId },
    select: { id: true, operationId: true, fieldPath: true, orphanedAt: true },
  })
  if (rows.length === 0) return { orphaned: 0, restored: 0 }
  const spec = await versionSpec(version.id)
  const operations = new Map<string, NormalizedOperation | undefined>()
  const orphan: string[] = []
  const restore: string[] = []
  for (const row of rows) {
    const exists = annotationTargetExists(spec, row, operations)
    if (!exists && row.orphanedAt === null) orphan.push(row.id)
    if (exists && row.orphanedAt !== null) restore.push(row.id)
  }
  await db.$transaction([
    db.annotation.updateMany({
      where: { id: { in: orphan } },
      data: { orphanedAt: new Date(), orphanedVersion: version.number },
    }),
    db.annotation.updateMany({
      where: { id: { in: restore } },
      data: { orphanedAt: null, orphanedVersion: null },
    }),
  ])
  return { orphaned: orphan.length, restored: restore.length }
}
