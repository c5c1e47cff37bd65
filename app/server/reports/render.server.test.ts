/** The HTML and Markdown views: hostile text stays text, the partner version lacks internal notes. */
import { describe, expect, it } from 'vitest'
import { escapeHtml, renderReportHtml } from './html.server'
import { escapeMarkdown, renderReportMarkdown } from './markdown.server'
import { composeReport } from './readiness.server'

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>'

function report() {
  return composeReport({
    generatedAt: '2026-12-01T08:00:00.000Z',
    project: { id: 'p1', name: 'Shop & Co' },
    partner: { id: 'pp1', name: `Evil ${HOSTILE}`, slug: 'evil' },
    evidence: {
      runs: {},
      traces: {
        total: 0,
        verifiedValid: 0,
        unmatched: 0,
        byOperation: new Map(),
        requiredOperations: [],
        missing: [],
      },
    },
    plan: {
      currentPhase: 'discovery',
      phases: [
        {
          phase: 'discovery',
          requiredTotal: 1,
          requiredDone: 0,
          complete: false,
          items: [
            {
              id: 'i1',
              title: `Kick-off [click](javascript:alert(3)) | cell`,
              required: true,
              status: 'open',
              ownerName: '**Mallory**',
              dueDate: null,
              overdue: false,
              notes: [
                {
                  body: `Shared: ${HOSTILE}\n# not a heading\n1. not a list`,
                  internal: false,
                  authorName: 'Partner <b>Pat</b>',
                  createdAt: '2026-11-02T00:00:00.000Z',
                },
                {
                  body: 'INTERNAL: their CTO is difficult',
                  internal: true,
                  authorName: 'Vendor Val',
                  createdAt: '2026-11-03T00:00:00.000Z',
                },
              ],
            },
          ],
        },
      ],
    },
    verification: {
      ok: true,
      entries: 0,
      head: null,
      firstBreak: null,
      problemCount: 0,
      checkedAt: '2026-12-01T08:00:00.000Z',
    },
  })
}

const snapshot = {
  id: 'snap1',
  createdAt: '2026-12-01T08:00:01.000Z',
  trigger: 'manual',
  contentHash: 'c'.repeat(64),
  chainSeq: 0,
  chainHash: '',
}

describe('renderReportHtml', () => {
  it('is a standalone document without script, every value escaped', () => {
    const html = renderReportHtml(report(), { audience: 'vendor', snapshot })
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/<img/i)
    expect(html).not.toMatch(/<link|src=["']?http|@import/i)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('Partner &lt;b&gt;Pat&lt;/b&gt;')
    expect(html).toContain('Shop &amp; Co')
    expect(html).toContain("default-src 'none'")
    expect(html).toContain('INTERNAL: their CTO is difficult')
    expect(html).toContain('c'.repeat(64))
  })

  it('leaves the internal notes out of the partner version', () => {
    const html = renderReportHtml(report(), { audience: 'partner', snapshot })
    expect(html).not.toContain('INTERNAL')
    expect(html).not.toContain('Vendor Val')
    expect(html).toContain('&lt;script&gt;alert(1)')
  })

  it('escapes quotes for attributes too', () => {
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;')
  })
})

describe('renderReportMarkdown', () => {
  it('escapes Markdown and HTML in what people wrote', () => {
    const md = renderReportMarkdown(report(), { audience: 'vendor', snapshot })
    expect(md).not.toMatch(/<script|<img|<b>/i)
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(md).toContain('Kick-off \\[click\\](javascript:alert(3)) \\| cell')
    expect(md).toContain('\\*\\*Mallory\\*\\*')
    expect(md).toContain('\\# not a heading')
    expect(md).toContain('1\\. not a list')
    expect(md).toContain('INTERNAL: their CTO is difficult')
    expect(md).toMatch(/^# Readiness report: Evil &lt;script&gt;/)
  })

  it('leaves the internal notes out of the partner version', () => {
    const md = renderReportMarkdown(report(), { audience: 'partner', snapshot })
    expect(md).not.toContain('INTERNAL')
    expect(md).toContain('Shared: &lt;script&gt;')
  })

  it('escapes one line of text', () => {
    expect(escapeMarkdown('a_b *c* `d` ~e~ <f> & https://x\n- g')).toBe(
      'a\\_b \\*c\\* \\`d\\` \\~e\\~ &lt;f&gt; & https\\://x - g',
    )
    expect(escapeMarkdown('&lt;b&gt; &#60;')).toBe('&amp;lt;b&amp;gt; &amp;#60;')
    expect(escapeMarkdown('- list')).toBe('\\- list')
    expect(escapeMarkdown('## heading')).toBe('\\## heading')
  })
})
