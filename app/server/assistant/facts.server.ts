/**
 * A fact: one piece of grounding the assistant may cite, with the id the
 * answer cites it by (`[case:<runId>:<seq>]`) and the page it links to. Ids
 * and links are made here only, so the context builder, the troubleshooter and
 * the citation resolver agree on them.
 */
import type { CitationKind } from '~/shared/assistant'
import { type AssistantScope, portalBase } from './scope.server'

export type Fact = {
  /** `<kind>:<reference>`, e.g. "case:<runId>:<seq>", "operation:<specId>:<operationId>". */
  id: string
  kind: CitationKind
  /** Short human title, shown as the citation's link text. */
  label: string
  /** The page in the asker's portal (partner portal for partners, vendor pages otherwise). */
  url: string
  /** What the model reads: plain text, already redacted. */
  text: string
  /** Higher is kept first when the context is over budget. */
  relevance: number
}

export const factId = {
  case: (runId: string, seq: number) => `case:${runId}:${seq}`,
  run: (runId: string) => `run:${runId}`,
  trace: (traceId: string) => `trace:${traceId}`,
  operation: (specId: string, operationId: string) => `operation:${specId}:${operationId}`,
  annotation: (annotationId: string) => `annotation:${annotationId}`,
  template: (templateId: string) => `template:${templateId}`,
  plan: (itemId: string) => `plan:${itemId}`,
}

export type OperationRef = { specId: string; versionId: string; operationId: string }

/** Links into the asker's portal. */
export function linksFor(scope: AssistantScope) {
  const base = portalBase(scope)
  const partner = scope.partnerProjectId !== null
  const operation = (ref: OperationRef) =>
    partner
      ? `${base}/specs/${ref.specId}/operations/${encodeURIComponent(ref.operationId)}`
      : `${base}/specs/${ref.specId}/v/${ref.versionId}/operations/${encodeURIComponent(ref.operationId)}`
  return {
    case: (runId: string, seq: number) => `${base}/tests/runs/${runId}/cases/${seq}`,
    run: (runId: string) => `${base}/tests/runs/${runId}`,
    trace: (traceId: string) => `${base}/traces/${traceId}`,
    operation,
    /** The vendor's operation page lists its notes with `note-<id>` anchors; the partner's shows them without. */
    annotation: (ref: OperationRef, annotationId: string) =>
      partner ? `${operation(ref)}#notes` : `${operation(ref)}#note-${annotationId}`,
    template: (templateId: string) => `/docs/templates#${templateId}`,
    /** Where a partner lands for a spec that is not shared with it: its list of specs. */
    specs: () => `${base}/specs`,
    plan: (itemId: string, itemPartnerProjectId: string) =>
      partner
        ? `${base}/plan#item-${itemId}`
        : `/projects/${scope.projectId}/plan/${itemPartnerProjectId}#item-${itemId}`,
  }
}
