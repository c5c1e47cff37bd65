/**
 * Markdown a tenant wrote, rendered for display: markdown-it with raw HTML
 * off (any tag in the source is shown as text), links limited to http(s) and
 * mailto and opened with rel="noopener noreferrer nofollow". The output holds
 * no element or attribute the author chose beyond Markdown's own.
 */
import MarkdownIt from 'markdown-it'

const SAFE_LINK = /^(https?:|mailto:)/i

const md = new MarkdownIt({ html: false, linkify: true, typographer: false })
md.validateLink = (url) => SAFE_LINK.test(url.trim())
md.disable(['image'])
const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options))
md.renderer.rules.link_open = (tokens, index, options, env, self) => {
  tokens[index]!.attrSet('rel', 'noopener noreferrer nofollow')
  tokens[index]!.attrSet('target', '_blank')
  return defaultLinkOpen(tokens, index, options, env, self)
}

export const MAX_MARKDOWN_CHARS = 20_000

export function renderMarkdown(source: string): string {
  return md.render(source.slice(0, MAX_MARKDOWN_CHARS))
}
