/** How partners send signed batches of traces: the endpoint, the signature, two recipes. */
import { CopyButton } from '~/components/copy-button'

export function HowPartnersSend({ endpoint }: { endpoint: string }) {
  const curl = `SECRET='tsk_…'            # the partner project's trace secret
PARTNER='<partner id>'
BODY='{"traces":[{"request":{"method":"GET","url":"https://api.example.com/v1/orders"},"response":{"status":200,"headers":{"content-type":"application/json"},"body":{"data":[]}}}]}'
TS=$(date +%s)
SIG=$(printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //')
curl -sS -X POST '${endpoint}' \\
  -H 'Content-Type: application/json' \\
  -H "X-Copilot-Partner: $PARTNER" \\
  -H "X-Copilot-Timestamp: $TS" \\
  -H "X-Copilot-Signature: sha256=$SIG" \\
  --data-binary "$BODY"`
  const node = `import crypto from 'node:crypto'

const body = JSON.stringify({ traces }) // [{ request, response, timestamp, durationMs }]
const timestamp = Math.floor(Date.now() / 1000)
const signature = crypto
  .createHmac('sha256', process.env.TRACE_SECRET)
  .update(\`\${timestamp}.\${body}\`)
  .digest('hex')
await fetch('${endpoint}', {
  method: 'POST',
  headers: {
    'Content-Type': 'application/json',
    'X-Copilot-Partner': process.env.PARTNER_ID,
    'X-Copilot-Timestamp': String(timestamp),
    'X-Copilot-Signature': \`sha256=\${signature}\`,
  },
  body,
})`
  return (
    <div className="space-y-3 text-sm text-slate-700">
      <p>
        Partners POST batches of request/response pairs (<code>{'{"traces": [...]}'}</code> or a HAR
        file as <code>application/har+json</code>) to <code className="break-all">{endpoint}</code>,
        signed with their partner project’s secret: HMAC-SHA256 over{' '}
        <code>{'<timestamp>.<raw body>'}</code>. A batch is accepted for five minutes after its
        timestamp, once (a replay is refused); an unsigned or wrongly signed batch is refused with
        the reason, and listed below. The README, section “Traces”, has the full reference.
      </p>
      <div>
        <div className="flex items-center justify-between gap-2">
          <h3 className="font-semibold text-slate-800">With curl and openssl</h3>
          <CopyButton text={curl} label="Copy" />
        </div>
        <pre className="mt-1 overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
          {curl}
        </pre>
      </div>
      <div>
        <div className="flex items-center justify-between gap-2">
          <h3 className="font-semibold text-slate-800">With Node.js 18+</h3>
          <CopyButton text={node} label="Copy" />
        </div>
        <pre className="mt-1 overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
          {node}
        </pre>
      </div>
    </div>
  )
}
