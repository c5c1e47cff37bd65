/**
 * Acceptance tests for the wasm schema engine wrapper: deploy, re-deploy,
 * creating a migration from a schema change, and a failing migration.
 * Every database and migrations copy lives in its own temp dir.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import {
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  createMigration,
  deployMigrations,
} from './migrate-engine.ts'

const tempDirs: string[] = []

function makeTempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-engine-test-'))
  tempDirs.push(dir)
  return dir
}

afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

function migrationDirNames(migrationsDir: string): string[] {
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
}

/** Copies prisma/migrations and prisma/schema.prisma into a fresh temp dir. */
function copyPrismaDir(): { dir: string; migrationsDir: string; schemaPath: string } {
  const dir = makeTempDir()
  const migrationsDir = path.join(dir, 'migrations')
  const schemaPath = path.join(dir, 'schema.prisma')
  fs.cpSync(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true })
  fs.copyFileSync(DEFAULT_SCHEMA_PATH, schemaPath)
  return { dir, migrationsDir, schemaPath }
}

/** Opens the SQLite file read-only, runs `fn`, and always closes the handle. */
function inspect<T>(dbPath: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

function tableExists(db: Database.Database, name: string): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
    undefined
  )
}

function finishedMigrationCount(db: Database.Database): number {
  const row = db
    .prepare('SELECT COUNT(*) AS count FROM _prisma_migrations WHERE finished_at IS NOT NULL')
    .get() as { count: number }
  return row.count
}

describe('migrate-engine', () => {
  it('applies every migration once to a fresh database', async () => {
    const dbPath = path.join(makeTempDir(), 'fresh.db')
    const expected = migrationDirNames(DEFAULT_MIGRATIONS_DIR)
    expect(expected.length).toBeGreaterThan(0)

    const applied = await deployMigrations({ databaseUrl: `file:${dbPath}` })

    expect(applied).toEqual(expected)
    inspect(dbPath, (db) => {
      expect(finishedMigrationCount(db)).toBe(expected.length)
      const names = db
        .prepare('SELECT migration_name FROM _prisma_migrations ORDER BY migration_name')
        .all() as { migration_name: string }[]
      expect(names.map((row) => row.migration_name)).toEqual(expected)
      expect(tableExists(db, 'User')).toBe(true)
      expect(tableExists(db, 'Organization')).toBe(true)
    })
  })

  it('is a no-op on a second deploy', async () => {
    const dbPath = path.join(makeTempDir(), 'twice.db')
    const databaseUrl = `file:${dbPath}`
    await deployMigrations({ databaseUrl })
    const before = inspect(dbPath, finishedMigrationCount)

    const applied = await deployMigrations({ databaseUrl })

    expect(applied).toEqual([])
    inspect(dbPath, (db) => {
      expect(finishedMigrationCount(db)).toBe(before)
      const total = db.prepare('SELECT COUNT(*) AS count FROM _prisma_migrations').get() as {
        count: number
      }
      expect(total.count).toBe(before)
    })
  })

  it('writes a new migration for a schema change, which then applies cleanly', async () => {
    const { dir, migrationsDir, schemaPath } = copyPrismaDir()
    const before = migrationDirNames(migrationsDir)
    fs.appendFileSync(schemaPath, '\nmodel Widget {\n  id   String @id\n  name String\n}\n')

    const created = await createMigration('add_widget', { migrationsDir, schemaPath })

    expect(created).not.toBeNull()
    const after = migrationDirNames(migrationsDir)
    expect(after).toHaveLength(before.length + 1)
    const newDir = after.find((name) => !before.includes(name))!
    expect(newDir).toMatch(/^\d{14}_add_widget$/)
    expect(created).toBe(path.join(migrationsDir, newDir))
    const sql = fs.readFileSync(path.join(migrationsDir, newDir, 'migration.sql'), 'utf8')
    expect(sql).toContain('CREATE TABLE "Widget"')

    const dbPath = path.join(dir, 'widget.db')
    const applied = await deployMigrations({
      databaseUrl: `file:${dbPath}`,
      migrationsDir,
      schemaPath,
    })
    expect(applied).toEqual(after)
    inspect(dbPath, (db) => {
      expect(tableExists(db, 'Widget')).toBe(true)
      expect(finishedMigrationCount(db)).toBe(after.length)
    })

    expect(await createMigration('add_widget', { migrationsDir, schemaPath })).toBeNull()
    expect(migrationDirNames(migrationsDir)).toEqual(after)
  })

  it('reports a failed migration and leaves the database as it was', async () => {
    const { dir, migrationsDir, schemaPath } = copyPrismaDir()
    const good = migrationDirNames(migrationsDir)
    const dbPath = path.join(dir, 'broken.db')
    const databaseUrl = `file:${dbPath}`
    await deployMigrations({ databaseUrl, migrationsDir, schemaPath })

    const db = new Database(dbPath)
    try {
      db.prepare(
        'INSERT INTO "Organization" (id, name, slug, updatedAt) VALUES (?, ?, ?, CURRENT_TIMESTAMP)',
      ).run('org-kept', 'Kept Org', 'kept-org')
    } finally {
      db.close()
    }

    const brokenName = '99999999999999_broken'
    fs.mkdirSync(path.join(migrationsDir, brokenName))
    fs.writeFileSync(
      path.join(migrationsDir, brokenName, 'migration.sql'),
      'CREATE TABLE "Partial" (id INTEGER);\nCREATE TABLE oops (;\n',
    )
    expect(migrationDirNames(migrationsDir).at(-1)).toBe(brokenName)

    const error = await deployMigrations({ databaseUrl, migrationsDir, schemaPath }).then(
      () => undefined,
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain(brokenName)
    expect((error as Error).message).toContain('syntax error')

    inspect(dbPath, (db) => {
      expect(tableExists(db, 'Partial')).toBe(false)
      expect(tableExists(db, 'oops')).toBe(false)
      expect(tableExists(db, 'User')).toBe(true)
      expect(tableExists(db, 'Organization')).toBe(true)
      const org = db.prepare('SELECT name, slug FROM "Organization" WHERE id = ?').get('org-kept')
      expect(org).toEqual({ name: 'Kept Org', slug: 'kept-org' })
      const names = db
        .prepare('SELECT migration_name FROM _prisma_migrations ORDER BY migration_name')
        .all() as { migration_name: string }[]
      expect(names.map((row) => row.migration_name)).toEqual(good)
      expect(finishedMigrationCount(db)).toBe(good.length)
    })
  })
})
