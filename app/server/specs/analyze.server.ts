/** The whole spec pipeline, timed: load (parse + resolve + validate), normalise, detect capabilities, warn. */
import type { NormalizedSpec, SpecWarning } from '~/shared/normalized-spec'
import { detectCapabilities } from './capabilities.server'
import { loadSpec, type LoadedSpec } from './load.server'
import { normalizeSpec } from './normalize.server'
import type { SpecSource } from './source.server'
import { specWarnings } from './warnings.server'

export type AnalyzedSpec = {
  loaded: LoadedSpec
  spec: NormalizedSpec
  warnings: SpecWarning[]
  timings: { loadMs: number; normalizeMs: number; capabilitiesMs: number }
}

export async function analyzeSpec(source: SpecSource): Promise<AnalyzedSpec> {
  const started = performance.now()
  const loaded = await loadSpec(source)
  const loadedAt = performance.now()
  const spec = normalizeSpec(loaded)
  const normalizedAt = performance.now()
  detectCapabilities(spec)
  const detectedAt = performance.now()
  return {
    loaded,
    spec,
    warnings: [...loaded.warnings, ...specWarnings(spec)],
    timings: {
      loadMs: loadedAt - started,
      normalizeMs: normalizedAt - loadedAt,
      capabilitiesMs: detectedAt - normalizedAt,
    },
  }
}

/** What a stored version records of its spec beside the spec itself. */
export type SpecSummary = {
  title: string
  version: string
  flavour: NormalizedSpec['flavour']
  openapiVersion: string
  operationCount: number
  capabilities: NormalizedSpec['capabilities']
}

export function summarize(spec: NormalizedSpec): SpecSummary {
  return {
    title: spec.info.title,
    version: spec.info.version,
    flavour: spec.flavour,
    openapiVersion: spec.openapiVersion,
    operationCount: spec.operations.length,
    capabilities: spec.capabilities,
  }
}

/** An analysis made on this thread, in the shape imports store (bench and tools). */
export function asImportAnalysis(analyzed: AnalyzedSpec) {
  return {
    normalizedJson: JSON.stringify(analyzed.spec),
    summary: summarize(analyzed.spec),
    warnings: analyzed.warnings,
    timings: analyzed.timings,
    spec: analyzed.spec,
  }
}
