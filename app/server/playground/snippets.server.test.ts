/**
 * The snippets run as written: the curl line through bash (curl replaced by a
 * function printing its arguments), the JavaScript through Node with a fake
 * fetch, the Python through python3 with a stub `requests` module. Hostile
 * values (quotes, backslashes, newlines, `$(…)`, backticks, Unicode) arrive
 * byte for byte, and the credential is only ever read from the environment.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import {
  curlSnippet,
  fetchSnippet,
  pythonSnippet,
  pythonString,
  shellQuote,
  type SnippetRequest,
} from './snippets.server'

const run = promisify(execFile)
/** A small environment for the child process: PATH and the variables given. */
const childEnv = (variables: Record<string, string | undefined>) =>
  ({ PATH: process.env.PATH, ...variables }) as unknown as NodeJS.ProcessEnv
const NASTY = `it's "quoted" \\ back\\slash\n$(touch /tmp/pwned) \`id\` $HOME ✓ 𝄞 \u2028 tab\tend`

const request: SnippetRequest = {
  method: 'POST',
  url: 'https://api.example.test/v1/orders?note=a%27b&x=%24HOME',
  headers: [
    ['content-type', 'application/json'],
    ['x-note', `it's $HOME "x"`],
  ],
  body: JSON.stringify({ note: NASTY }, null, 2),
  credential: { in: 'header', name: 'Authorization', prefix: 'Bearer ', variable: 'API_TOKEN' },
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snippets-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function curlArgs(snippet: string, env: Record<string, string>) {
  const script = `curl() { for arg in "$@"; do printf '%s\\0' "$arg"; done; }\n${snippet}\n`
  const { stdout } = await run('bash', ['-c', script], { env: childEnv(env) })
  return stdout.split('\0').slice(0, -1)
}

describe('curl', () => {
  it('quotes every word for the shell and reads the credential from $API_TOKEN', async () => {
    const snippet = curlSnippet(request)
    expect(snippet).not.toContain('secret-token')
    const args = await curlArgs(snippet, { API_TOKEN: 'secret-token' })
    expect(args).toEqual([
      '-i',
      '-X',
      'POST',
      request.url,
      '-H',
      'Authorization: Bearer secret-token',
      '-H',
      'content-type: application/json',
      '-H',
      `x-note: it's $HOME "x"`,
      '--data-raw',
      request.body,
    ])
    expect(fs.existsSync('/tmp/pwned')).toBe(false)
  })

  it('appends a query credential as a shell variable', async () => {
    const snippet = curlSnippet({
      ...request,
      body: null,
      method: 'GET',
      credential: { in: 'query', name: 'api_key', variable: 'API_KEY' },
    })
    const args = await curlArgs(snippet, { API_KEY: 'k&1' })
    expect(args[3]).toBe(`${request.url}&api_key=k&1`)
  })

  it('quotes a single quote as a closed, escaped and reopened string', () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`)
  })
})

describe('JavaScript fetch', () => {
  it('is valid JavaScript that sends the exact values, the credential from process.env', async () => {
    const snippet = fetchSnippet(request)
    expect(snippet).toContain('process.env.API_TOKEN')
    const file = path.join(dir, 'snippet.mjs')
    fs.writeFileSync(
      file,
      `globalThis.fetch = async (url, init) => { process.stdout.write(JSON.stringify({ url: String(url), init })); return { status: 200, text: async () => '' } }\nconsole.log = () => {}\n${snippet}\n`,
    )
    const { stdout } = await run(process.execPath, [file], {
      env: childEnv({ API_TOKEN: 'secret-token' }),
    })
    const sent = JSON.parse(stdout) as { url: string; init: Record<string, unknown> }
    expect(sent.url).toBe(request.url)
    expect(sent.init).toEqual({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-note': `it's $HOME "x"`,
        Authorization: 'Bearer secret-token',
      },
      body: request.body,
    })
  })

  it('sets a query credential with URLSearchParams', () => {
    const snippet = fetchSnippet({
      ...request,
      credential: { in: 'query', name: 'api_key', variable: 'API_KEY' },
    })
    expect(snippet).toContain('url.searchParams.set("api_key", API_KEY)')
  })
})

describe('Python requests', () => {
  it('escapes string literals', () => {
    expect(pythonString('a"b\\c\nd\u0001')).toBe('"a\\"b\\\\c\\nd\\x01"')
  })

  it('is valid Python that sends the exact values, the credential from os.environ', async () => {
    const stub = path.join(dir, 'requests.py')
    fs.writeFileSync(
      stub,
      [
        'import json, sys',
        'class R:',
        '    status_code = 200',
        '    text = ""',
        'def request(method, url, headers=None, params=None, data=None, timeout=None):',
        '    sys.stdout.write(json.dumps({"method": method, "url": url, "headers": headers, "params": params, "data": data.decode("utf-8") if data is not None else None}))',
        '    return R()',
        '',
      ].join('\n'),
    )
    const snippet = pythonSnippet({
      ...request,
      credential: { in: 'query', name: 'api_key', variable: 'API_KEY' },
    })
    const file = path.join(dir, 'snippet.py')
    fs.writeFileSync(file, `${snippet.replace(/^print\(.*$/m, '')}\n`)
    const { stdout } = await run('python3', [file], {
      env: childEnv({ PYTHONPATH: dir, API_KEY: 'k-1', HOME: process.env.HOME }),
    })
    expect(JSON.parse(stdout)).toEqual({
      method: 'POST',
      url: request.url,
      headers: { 'content-type': 'application/json', 'x-note': `it's $HOME "x"` },
      params: { api_key: 'k-1' },
      data: request.body,
    })
  })
})
