/** Every response the mock generates validates against its own schema, for every operation of every spec in ../shared/specs. */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeSpec } from '../specs/analyze.server'
import { SpecImportError } from '../specs/problems.server'
import { singleFileSource } from '../specs/source.server'
import { SHARED_SPECS as SHARED, sharedSpecFiles } from '../../../tests/support/shared-specs'
import { MockEngine } from './engine.server'
import type { IncomingRequest } from '../specs/request.server'

const files = sharedSpecFiles()

function request(method: string, pathname: string): IncomingRequest {
  return {
    method,
    pathname,
    query: new URLSearchParams(),
    headers: { accept: '*/*' },
    body: Buffer.alloc(0),
  }
}

describe('generated responses validate against their schemas', () => {
  it.each(files)(
    '%s',
    async (file) => {
      let analyzed
      try {
        analyzed = await analyzeSpec(
          singleFileSource(fs.readFileSync(path.join(SHARED, file), 'utf8'), file),
        )
      } catch (error) {
        if (error instanceof SpecImportError) return // refused at import (asserted in spec-import.test.ts)
        throw error
      }
      const engine = new MockEngine(analyzed.spec)
      const failures: string[] = []
      let checked = 0
      for (const operation of analyzed.spec.operations) {
        for (const response of operation.responses) {
          for (const [type, media] of Object.entries(response.content)) {
            if (media.schema === undefined || !/json/i.test(type)) continue
            const result = engine.documentedResponse(
              operation,
              { ...request(operation.method, operation.path), headers: { accept: type } },
              { code: response.status, dynamic: 'true' },
            )
            if (result.body === undefined) continue
            const validate = engine.schemas.validator(
              `${operation.id}:${response.status}:${type}`,
              media.schema,
            )
            checked++
            if (!validate(JSON.parse(result.body)))
              failures.push(
                `${operation.id} ${response.status} ${type}: ${JSON.stringify(validate.errors?.slice(0, 2))}`,
              )
          }
        }
      }
      expect(failures.slice(0, 10)).toEqual([])
      expect(checked).toBeGreaterThanOrEqual(0)
    },
    120_000,
  )
})
