import { describe, expect, it } from 'vitest'
import { MAX_MARKDOWN_CHARS, renderMarkdown } from './markdown.server'

/** Every tag in the output, with its attributes: what a browser would build from it. */
function tags(html: string) {
  return [...html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)].map((match) => ({
    name: match[1]!.toLowerCase(),
    attributes: [...match[2]!.matchAll(/([^\s=]+)(?:="([^"]*)")?/g)].map((attribute) => ({
      name: attribute[1]!.toLowerCase(),
      value: attribute[2] ?? '',
    })),
  }))
}

const MARKDOWN_TAGS = new Set([
  'p',
  'a',
  'em',
  'strong',
  'code',
  'pre',
  'ul',
  'ol',
  'li',
  'blockquote',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'br',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  's',
])

/** Only Markdown's own elements; only href, title, rel, target, style (text-align) and class (language-*) attributes; only safe links. */
function expectInert(html: string) {
  for (const tag of tags(html)) {
    expect(MARKDOWN_TAGS.has(tag.name), `<${tag.name}> in ${html}`).toBe(true)
    for (const attribute of tag.attributes) {
      expect(['href', 'title', 'rel', 'target', 'style', 'class'], attribute.name).toContain(
        attribute.name,
      )
      if (attribute.name === 'href') expect(attribute.value).toMatch(/^(https?:|mailto:)/i)
      if (attribute.name === 'style')
        expect(attribute.value).toMatch(/^text-align:(left|right|center)$/)
      if (attribute.name === 'class') expect(attribute.value).toMatch(/^language-[^"<>]*$/)
    }
  }
}

describe('renderMarkdown', () => {
  it('renders Markdown: emphasis, code, lists, tables and safe links', () => {
    const html = renderMarkdown(
      'Use **`amount`** in *minor units*.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[Docs](https://docs.example.test/a?b=1) or mail@example.test',
    )
    expect(html).toContain('<strong><code>amount</code></strong>')
    expect(html).toContain('<li>one</li>')
    expect(html).toContain('<table>')
    expect(html).toContain(
      '<a href="https://docs.example.test/a?b=1" rel="noopener noreferrer nofollow" target="_blank">Docs</a>',
    )
    expect(html).toContain('href="mailto:mail@example.test"')
    expectInert(html)
  })

  it.each([
    ['a script tag', '<script>alert(1)</script>'],
    ['an image with onerror', '<img src=x onerror="alert(1)">'],
    ['an inline handler', 'Hello <b onmouseover="alert(1)">there</b>'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>'],
    ['an svg', '<svg/onload=alert(1)>'],
    ['a style tag', '<style>body{display:none}</style>'],
    ['an HTML block', '<div>\n<a href="javascript:alert(1)">x</a>\n</div>'],
    ['a javascript: link', '[click](javascript:alert(1))'],
    ['an upper-case JAVASCRIPT: link', '[click](JAVASCRIPT:alert(1))'],
    ['an entity-encoded javascript: link', '[click](&#106;avascript:alert(1))'],
    ['a javascript: link with spaces', '[click]( javascript:alert(1) )'],
    ['a tab inside javascript:', '[click](java\tscript:alert(1))'],
    ['a javascript: autolink', '<javascript:alert(1)>'],
    ['a vbscript: link', '[x](vbscript:msgbox(1))'],
    ['a data: link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['a data: image', '![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)'],
    ['an image', '![x](https://tracker.example/pixel.gif)'],
    ['a relative link', '[x](/logout)'],
    ['a reference link', '[x][1]\n\n[1]: javascript:alert(1)'],
    ['a link title with quotes', '[x](https://a.example "a\\" onmouseover=\\"alert(1)")'],
    ['an attribute break-out in a URL', '[x](https://a.example/"onmouseover="alert(1))'],
    ['a code fence with a hostile language', '```"><script>alert(1)</script>\ncode\n```'],
  ])('renders %s inert', (_name, source) => {
    const html = renderMarkdown(source)
    expectInert(html)
    // Whatever stays is text: no element but Markdown's, no link but http(s) and mailto.
    expect(html.toLowerCase()).not.toMatch(/<script|<img|<iframe|<svg|<style|<div|<b /)
  })

  it('shows raw HTML as text rather than dropping it', () => {
    expect(renderMarkdown('<script>alert(1)</script>')).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;',
    )
  })

  it(`renders at most ${MAX_MARKDOWN_CHARS} characters`, () => {
    const html = renderMarkdown('a'.repeat(MAX_MARKDOWN_CHARS + 5000))
    expect(html.length).toBeLessThan(MAX_MARKDOWN_CHARS + 20)
  })

  it('stays fast on pathological input', () => {
    const started = performance.now()
    renderMarkdown('['.repeat(15_000) + ']'.repeat(5000))
    renderMarkdown('*a '.repeat(6000))
    renderMarkdown('> '.repeat(10_000))
    expect(performance.now() - started).toBeLessThan(2000)
  })
})
