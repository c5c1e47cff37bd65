/**
 * A playground request as code to copy: curl (POSIX shell), JavaScript
 * (fetch) and Python (requests). Every value is quoted for its language
 * (single quotes in the shell, JSON string literals in JavaScript, escaped
 * double-quoted literals in Python); the credential is never written, a
 * placeholder read from the environment (`$API_TOKEN`) stands in its place.
 */

/** Where the credential goes, without its value. */
export type SnippetCredential =
  | { in: 'header'; name: string; prefix: string; variable: string }
  | { in: 'query'; name: string; variable: string }

export type SnippetRequest = {
  method: string
  /** The full URL without the credential. */
  url: string
  headers: [string, string][]
  body: string | null
  credential: SnippetCredential | null
}

/** A POSIX shell word: single-quoted, an embedded `'` closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/** A JavaScript string literal (JSON's is one, U+2028/2029 included since ES2019). */
export function jsString(text: string): string {
  return JSON.stringify(text)
}

const PYTHON_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}

/** A Python 3 string literal: backslash, quote and control characters escaped. */
export function pythonString(text: string): string {
  let out = '"'
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (PYTHON_ESCAPES[char]) out += PYTHON_ESCAPES[char]
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else if ((code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029)
      out += `\\u${code.toString(16).padStart(4, '0')}`
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd'
    else out += char
  }
  return `${out}"`
}

function querySeparator(url: string) {
  return url.includes('?') ? '&' : '?'
}

export function curlSnippet(request: SnippetRequest): string {
  const { credential } = request
  const lines: string[] = []
  const method = request.method.toUpperCase()
  lines.push(method === 'HEAD' ? 'curl -i --head' : `curl -i -X ${method}`)
  if (credential?.in === 'query')
    lines.push(
      `${shellQuote(`${request.url}${querySeparator(request.url)}${encodeURIComponent(credential.name)}=`)}"$${credential.variable}"`,
    )
  else lines.push(shellQuote(request.url))
  if (credential?.in === 'header')
    lines.push(
      `-H ${shellQuote(`${credential.name}: ${credential.prefix}`)}"$${credential.variable}"`,
    )
  for (const [name, value] of request.headers) lines.push(`-H ${shellQuote(`${name}: ${value}`)}`)
  if (request.body !== null) lines.push(`--data-raw ${shellQuote(request.body)}`)
  return lines.join(' \\\n  ')
}

export function fetchSnippet(request: SnippetRequest): string {
  const { credential } = request
  const lines: string[] = []
  if (credential)
    lines.push(
      `const ${credential.variable} = process.env.${credential.variable} // your credential, kept out of the code`,
      '',
    )
  let target = jsString(request.url)
  if (credential?.in === 'query') {
    lines.push(
      `const url = new URL(${jsString(request.url)})`,
      `url.searchParams.set(${jsString(credential.name)}, ${credential.variable})`,
    )
    target = 'url'
  }
  // Text of the snippet the user copies: nothing is fetched here.
  lines.push(`const response = await fetch(${target}, {`, `  method: ${jsString(request.method)},`)
  const headers = request.headers.map(
    ([name, value]) => `    ${jsString(name)}: ${jsString(value)},`,
  )
  if (credential?.in === 'header')
    headers.push(
      `    ${jsString(credential.name)}: ${credential.prefix ? `${jsString(credential.prefix)} + ` : ''}${credential.variable},`,
    )
  if (headers.length) lines.push('  headers: {', ...headers, '  },')
  if (request.body !== null) lines.push(`  body: ${jsString(request.body)},`)
  lines.push('})', 'console.log(response.status, await response.text())')
  return lines.join('\n')
}

export function pythonSnippet(request: SnippetRequest): string {
  const { credential } = request
  const lines = [credential ? 'import os\n' : '', 'import requests', '']
  lines.push('response = requests.request(')
  lines.push(`    ${pythonString(request.method)},`, `    ${pythonString(request.url)},`)
  const headers = request.headers.map(
    ([name, value]) => `        ${pythonString(name)}: ${pythonString(value)},`,
  )
  if (credential?.in === 'header')
    headers.push(
      `        ${pythonString(credential.name)}: ${credential.prefix ? `${pythonString(credential.prefix)} + ` : ''}os.environ[${pythonString(credential.variable)}],`,
    )
  if (headers.length) lines.push('    headers={', ...headers, '    },')
  if (credential?.in === 'query')
    lines.push(
      `    params={${pythonString(credential.name)}: os.environ[${pythonString(credential.variable)}]},`,
    )
  if (request.body !== null) lines.push(`    data=${pythonString(request.body)}.encode("utf-8"),`)
  lines.push('    timeout=30,', ')', 'print(response.status_code, response.text)')
  return lines.filter((line, index) => index > 0 || line !== '').join('\n')
}

export function snippets(request: SnippetRequest) {
  return {
    curl: curlSnippet(request),
    fetch: fetchSnippet(request),
    python: pythonSnippet(request),
  }
}
