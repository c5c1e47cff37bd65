/** A date as the app stores it in SQLite (ISO 8601 with an explicit +00:00), for raw SQL. */
export function sqliteDate(date: Date): string {
  return date.toISOString().replace(/Z$/, '+00:00')
}
