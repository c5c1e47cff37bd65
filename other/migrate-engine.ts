/**
 * Migrations through Prisma's schema engine compiled to WebAssembly
 * (@prisma/schema-engine-wasm). The native engine binary cannot be downloaded
 * on our machines; this one ships inside the npm package. See
 * docs/decisions/002-wasm-schema-engine.md.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import Database from 'better-sqlite3'
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils'
import type {
  DiffTarget,
  MigrationList,
  SchemaEngine as SchemaEngineType,
} from '@prisma/schema-engine-wasm/schema_engine_bg'
import type * as EngineModuleTypes from '@prisma/schema-engine-wasm/schema_engine_bg'

const require = createRequire(import.meta.url)
const NO_FILTERS = { externalTables: [], externalEnums: [] }

export const DEFAULT_MIGRATIONS_DIR = path.resolve('prisma/migrations')
export const DEFAULT_SCHEMA_PATH = path.resolve('prisma/schema.prisma')

type EngineModule = typeof EngineModuleTypes
let enginePromise: Promise<EngineModule> | undefined

/** Instantiates the wasm module once per process; Node cannot `import` .wasm files directly. */
function loadEngineModule(): Promise<EngineModule> {
  enginePromise ??= (async () => {
    const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as EngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void
    }
    const wasmPath = path.join(
      path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
      'schema_engine_bg.wasm',
    )
    const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), {
      './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports,
    })
    glue.__wbg_set_wasm(instance.exports)
    ;(instance.exports.__wbindgen_start as () => void)()
    return glue
  })()
  return enginePromise
}

/** `file:./data/app.db` -> absolute path; bare paths are accepted too. */
export function sqlitePathFromUrl(url: string): string {
  const filePath = url.startsWith('file:') ? url.slice('file:'.length) : url
  return path.resolve(filePath)
}

/**
 * The database holds sessions, sealed secrets and evidence: its directory and
 * files are the server user's only (0700 / 0600), also when they already
 * existed with wider permissions. SQLite gives its -wal/-shm/-journal files
 * the database file's mode.
 */
export function secureDatabaseFile(dbPath: string) {
  const dir = path.dirname(dbPath)
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  if (!fs.existsSync(dbPath)) fs.closeSync(fs.openSync(dbPath, 'a', 0o600))
  for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`]) {
    try {
      fs.chmodSync(file, 0o600)
    } catch {
      // absent, or owned by another user: nothing to tighten
    }
  }
}

/**
 * WAL journal mode (persistent in the file): the web process reads while the
 * job worker writes run results, instead of waiting for each other. LiteFS
 * replicates WAL databases as it does rollback-journal ones.
 */
function enableWriteAheadLog(dbPath: string) {
  const db = new Database(dbPath)
  try {
    db.pragma('journal_mode = WAL')
  } finally {
    db.close()
  }
}

type OpenEngine = { engine: SchemaEngineType; close: () => Promise<void> }

/**
 * The engine does not close the connections it opens through the adapter, and
 * an open better-sqlite3 handle keeps SQLite locked for other processes: we
 * track them and close them in `close()`.
 */
async function openEngine(databaseUrl: string, schema: string): Promise<OpenEngine> {
  const { SchemaEngine } = await loadEngineModule()
  const dbPath = sqlitePathFromUrl(databaseUrl)
  secureDatabaseFile(dbPath)
  const factory = new PrismaBetterSqlite3({ url: `file:${dbPath}` })
  const connections: SqlDriverAdapter[] = []
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const connection = await factory.connect()
      connections.push(connection)
      return connection
    },
    connectToShadowDb: async () => {
      const connection = await factory.connectToShadowDb()
      connections.push(connection)
      return connection
    },
  }
  const log = () => {}
  const engine = await SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    log,
    bindMigrationAwareSqlAdapterFactory(tracked),
  )
  return {
    engine,
    close: async () => {
      engine.free()
      await Promise.all(connections.map((connection) => connection.dispose()))
    },
  }
}

export function readMigrations(migrationsDir = DEFAULT_MIGRATIONS_DIR): MigrationList {
  const dirs = fs.existsSync(migrationsDir)
    ? fs
        .readdirSync(migrationsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : []
  const lockPath = path.join(migrationsDir, 'migration_lock.toml')
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: 'migration_lock.toml',
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((dir) => {
      const file = path.join(migrationsDir, dir, 'migration.sql')
      return {
        path: dir,
        migrationFile: {
          path: 'migration.sql',
          content: fs.existsSync(file)
            ? { tag: 'ok' as const, value: fs.readFileSync(file, 'utf8') }
            : { tag: 'error' as const, value: `${file} is missing` },
        },
      }
    }),
  }
}

export type DeployOptions = {
  databaseUrl: string
  migrationsDir?: string
  schemaPath?: string
}

/** Migration directories not finished in the database yet (all of them for a new database). */
function pendingMigrations(dbPath: string, migrationsDir: string): string[] {
  const all = readMigrations(migrationsDir).migrationDirectories.map((dir) => dir.path)
  if (!fs.existsSync(dbPath)) return all
  const db = new Database(dbPath, { readonly: true })
  try {
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get()
    if (!table) return all
    const done = new Set(
      db
        .prepare(
          'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
        )
        .pluck()
        .all() as string[],
    )
    return all.filter((name) => !done.has(name))
  } finally {
    db.close()
  }
}

/** The pending migration the engine started and did not finish, read from `_prisma_migrations`. */
function failedMigration(dbPath: string, pending: string[]): string | undefined {
  if (!fs.existsSync(dbPath)) return undefined
  const db = new Database(dbPath, { readonly: true })
  try {
    const started = db
      .prepare(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NULL AND rolled_back_at IS NULL',
      )
      .pluck()
      .all() as string[]
    return started.find((name) => pending.includes(name))
  } catch {
    return undefined
  } finally {
    db.close()
  }
}

type Snapshot = { restore: () => Promise<void>; discard: () => void }

/**
 * Copies the database with SQLite's backup API (consistent whatever the
 * journal mode, and a regular SQLite write when restoring, so LiteFS sees it).
 * A database that did not exist is restored by deleting it.
 */
async function snapshotDatabase(dbPath: string): Promise<Snapshot> {
  if (!fs.existsSync(dbPath)) {
    return {
      restore: async () => {
        for (const suffix of ['', '-journal', '-wal', '-shm']) {
          fs.rmSync(`${dbPath}${suffix}`, { force: true })
        }
      },
      discard: () => {},
    }
  }
  const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-migrate-backup-'))
  const backupPath = path.join(backupDir, 'backup.db')
  const discard = () => fs.rmSync(backupDir, { recursive: true, force: true })
  try {
    const source = new Database(dbPath, { readonly: true })
    try {
      await source.backup(backupPath)
    } finally {
      source.close()
    }
  } catch (error) {
    discard()
    throw error
  }
  return {
    restore: async () => {
      const backup = new Database(backupPath, { readonly: true })
      try {
        await backup.backup(dbPath)
      } finally {
        backup.close()
      }
    },
    discard,
  }
}

/**
 * Applies every migration not yet recorded in `_prisma_migrations`, as
 * `prisma migrate deploy` does. Returns the names applied (empty = no-op).
 * A failing migration throws an error naming it and giving SQLite's message,
 * and the database is restored to what it was before this deploy.
 */
export async function deployMigrations({
  databaseUrl,
  migrationsDir = DEFAULT_MIGRATIONS_DIR,
  schemaPath = DEFAULT_SCHEMA_PATH,
}: DeployOptions): Promise<string[]> {
  const schema = fs.readFileSync(schemaPath, 'utf8')
  const dbPath = sqlitePathFromUrl(databaseUrl)
  const pending = pendingMigrations(dbPath, migrationsDir)
  // The engine runs SQLite migration scripts outside a transaction, so a failure half way would leave
  // its first statements applied: snapshot first and restore on failure.
  const snapshot = pending.length > 0 ? await snapshotDatabase(dbPath) : undefined
  try {
    const { engine, close } = await openEngine(databaseUrl, schema)
    let applied: string[]
    try {
      const result = await engine.applyMigrations({
        migrationsList: readMigrations(migrationsDir),
        filters: NO_FILTERS,
      })
      applied = result.appliedMigrationNames
    } finally {
      await close()
    }
    enableWriteAheadLog(dbPath)
    return applied
  } catch (error) {
    const failed = failedMigration(dbPath, pending)
    await snapshot?.restore()
    // The engine's message is SQLite's error followed by a span trace ("   0: ...").
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]
    throw new Error(
      failed
        ? `Migration ${failed} failed and was rolled back: ${reason}`
        : `Applying migrations failed: ${reason}`,
      { cause: error },
    )
  } finally {
    snapshot?.discard()
  }
}

/** The SQL that takes the database produced by the existing migrations to schema.prisma ('' when equal). */
export async function diffMigrationsToSchema({
  migrationsDir = DEFAULT_MIGRATIONS_DIR,
  schemaPath = DEFAULT_SCHEMA_PATH,
}: Omit<DeployOptions, 'databaseUrl'> = {}): Promise<string> {
  const schema = fs.readFileSync(schemaPath, 'utf8')
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-migrate-'))
  const scratchUrl = `file:${path.join(scratchDir, 'scratch.db')}`
  const { engine, close } = await openEngine(scratchUrl, schema)
  try {
    const migrationsList = readMigrations(migrationsDir)
    let from: DiffTarget = { tag: 'empty' }
    if (migrationsList.migrationDirectories.length > 0) {
      await engine.applyMigrations({ migrationsList, filters: NO_FILTERS })
      const introspected = await engine.introspect({
        schema: { files: [{ path: 'schema.prisma', content: schema }] },
        baseDirectoryPath: path.dirname(schemaPath),
        force: true,
        compositeTypeDepth: -1,
        namespaces: null,
      })
      from = { tag: 'schemaDatamodel', ...introspected.schema }
    }
    const result = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    })
    const sql = (result.stdout ?? '').trim()
    return sql === '-- This is an empty migration.' ? '' : sql
  } finally {
    await close()
    fs.rmSync(scratchDir, { recursive: true, force: true })
  }
}

function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

/** Writes prisma/migrations/<timestamp>_<name>/migration.sql; returns its directory, or null when nothing changed. */
export async function createMigration(
  name: string,
  options: Omit<DeployOptions, 'databaseUrl'> = {},
): Promise<string | null> {
  const safeName = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
  if (!safeName)
    throw new Error('Give the migration a name, e.g. `npm run db:migrate:new -- add_specs`.')
  const sql = await diffMigrationsToSchema(options)
  if (!sql) return null
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR
  const existing = readMigrations(migrationsDir).migrationDirectories.map((dir) => dir.path)
  let dirName = `${timestamp()}_${safeName}`
  while (existing.includes(dirName)) dirName = `${dirName}_`
  const dir = path.join(migrationsDir, dirName)
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'migration.sql'), `${sql}\n`)
  const lockPath = path.join(migrationsDir, 'migration_lock.toml')
  if (!fs.existsSync(lockPath)) {
    fs.writeFileSync(lockPath, '# Please do not edit this file manually\nprovider = "sqlite"\n')
  }
  return dir
}
