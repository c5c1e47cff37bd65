/**
 * The golden suite's catalogue: 10 categories, 38 templates, and the workflow
 * category beyond them. Each template has a stable id (results history,
 * profiles, reports and the assistant key on it), what it checks, when it
 * applies, how it is judged, and why it fails with how to fix it. Isomorphic
 * data: the docs page renders it, app/server/testkit/ implements it.
 */

export const CATEGORIES = [
  'connectivity',
  'authentication',
  'contract',
  'request-validation',
  'errors',
  'pagination',
  'idempotency',
  'rate-limiting',
  'webhooks',
  'resilience',
  'workflow',
] as const
export type Category = (typeof CATEGORIES)[number]

export const CATEGORY_LABELS: Record<Category, string> = {
  connectivity: 'Connectivity',
  authentication: 'Authentication',
  contract: 'Contract',
  'request-validation': 'Request validation',
  errors: 'Errors',
  pagination: 'Pagination',
  idempotency: 'Idempotency',
  'rate-limiting': 'Rate limiting',
  webhooks: 'Webhooks',
  resilience: 'Resilience',
  workflow: 'Workflow',
}

export type GoldenTemplate = {
  id: string
  category: Category
  title: string
  /** What the template checks. */
  checks: string
  /** When it is instantiated (per operation, per path, per API). */
  appliesWhen: string
  /** How its verdict is reached. */
  judgedBy: string
  /** Why it fails, and how to fix it: the built-in troubleshooter's first answer. */
  fix: string
}

const t = (template: GoldenTemplate) => template

export const GOLDEN_TEMPLATES: readonly GoldenTemplate[] = [
  // ---- connectivity (3) ------------------------------------------------------
  t({
    id: 'connectivity.reachable',
    category: 'connectivity',
    title: 'The API is reachable',
    checks: 'The base URL answers an HTTP request.',
    appliesWhen: 'Once per run.',
    judgedBy:
      'A GET on a read operation (or the base URL) gets any HTTP response within the request timeout. A refused connection, a DNS failure or a timeout fails it.',
    fix: 'Check the environment’s base URL (scheme, host, port and base path), that the host resolves and accepts connections from the internet, and that no firewall or IP allow-list drops the runner’s requests.',
  }),
  t({
    id: 'connectivity.tls',
    category: 'connectivity',
    title: 'TLS is valid',
    checks: 'The environment is served over HTTPS with a certificate a client trusts.',
    appliesWhen:
      'Sandbox and UAT environments (not mocks). Plain HTTP to a private address that the environment may reach is not judged.',
    judgedBy:
      'The base URL uses https and the TLS handshake succeeds with certificate and host name verification on. An http:// URL or a handshake error (expired, self-signed, wrong host) fails it.',
    fix: 'Serve the environment over HTTPS with a certificate from a public CA that covers the host name, including the intermediate chain, and renew it before it expires.',
  }),
  t({
    id: 'connectivity.latency',
    category: 'connectivity',
    title: 'First answer within the latency budget',
    checks: 'The first request answers within the environment’s latency budget.',
    appliesWhen: 'Once per run.',
    judgedBy:
      'The reachability request’s time to a complete response is at most the latency budget (environment option, 2,000 ms by default).',
    fix: 'Look for slow cold starts, DNS or TLS setup, or a slow first query; keep sandboxes warm and close to where partners call from.',
  }),
  // ---- authentication (5) ----------------------------------------------------
  t({
    id: 'authentication.no-credentials',
    category: 'authentication',
    title: 'No credentials → 401',
    checks: 'A secured operation refuses a request that carries no credentials.',
    appliesWhen: 'Every operation with a security requirement.',
    judgedBy:
      'The request is sent without any credential. 401 passes (403 passes only where the operation documents 403 and not 401). Any 2xx fails: the operation ignores authentication.',
    fix: 'Run authentication before the handler on every route, and answer 401 with a WWW-Authenticate header when no credential is present.',
  }),
  t({
    id: 'authentication.wrong-credentials',
    category: 'authentication',
    title: 'Malformed or wrong credentials → 401',
    checks: 'A secured operation refuses credentials that are malformed or not valid.',
    appliesWhen: 'Every operation with a security requirement.',
    judgedBy:
      'The request carries a credential of the right kind with a wrong value (a made-up token, key or password). 401 passes (403 only where documented instead of 401); a 2xx fails.',
    fix: 'Verify the credential itself (signature, lookup, expiry), not just its presence or shape.',
  }),
  t({
    id: 'authentication.forbidden',
    category: 'authentication',
    title: 'Forbidden → 403 where documented',
    checks: 'A credential that lacks permission is refused with 403.',
    appliesWhen:
      'Operations that document a 403 response. Needs the test variable `forbidden_credential` (a valid credential without the required permission).',
    judgedBy:
      'The request carries `forbidden_credential` in place of the valid credential. 403 passes; 2xx fails; anything else fails with what came back.',
    fix: 'Check the caller’s scopes or role for the operation after authenticating, and answer 403 when they do not allow it.',
  }),
  t({
    id: 'authentication.valid-credentials',
    category: 'authentication',
    title: 'Valid credentials → 2xx',
    checks: 'The environment’s credentials are accepted.',
    appliesWhen: 'Every secured operation whose request the suite can build.',
    judgedBy:
      'The ordinary (valid) request with the environment’s or partner’s credentials. A 401 or 403 fails; a 2xx passes; another documented status passes when the request depends on data the API may not hold (an id the suite did not create).',
    fix: 'Check the credentials configured for the environment (scheme, header or query name, prefix such as “Bearer ”), their scopes, and that they belong to this environment.',
  }),
  t({
    id: 'authentication.challenge',
    category: 'authentication',
    title: '401 says how to authenticate',
    checks: 'A 401 carries WWW-Authenticate or the documented error body.',
    appliesWhen: 'Every operation with a security requirement.',
    judgedBy:
      'The unauthenticated request’s 401 has a WWW-Authenticate header, or a body that validates against the documented 401 (or 4XX/default) schema. Not judged when the answer was not 401.',
    fix: 'Add `WWW-Authenticate: Bearer realm="api"` (or your scheme) to 401 answers, or return the error body your spec documents for 401.',
  }),
  // ---- contract (5) ----------------------------------------------------------
  t({
    id: 'contract.status-documented',
    category: 'contract',
    title: 'Status code is documented',
    checks: 'The answer to a valid request has a status the operation documents.',
    appliesWhen: 'Every operation whose valid request the suite can build.',
    judgedBy:
      'The status matches a documented code, a range (2XX) or `default`. A 404 for an id the suite made up is not judged. 5xx fails unless documented.',
    fix: 'Document every status the operation can return in the spec, or stop returning the undocumented one (a 500 usually hides an unhandled error).',
  }),
  t({
    id: 'contract.content-type',
    category: 'contract',
    title: 'Content-Type is documented',
    checks: 'The response media type is one the spec documents for that status.',
    appliesWhen: 'Every operation whose valid request the suite can build.',
    judgedBy:
      'Content-Type (parameters ignored; `application/vnd.x+json` matches `application/json`, wildcards honoured) is documented for the status. A status documenting no content must have an empty body. Not judged for undocumented statuses.',
    fix: 'Set the Content-Type header your spec documents (e.g. `application/json; charset=utf-8`), or document the media type you actually return.',
  }),
  t({
    id: 'contract.schema',
    category: 'contract',
    title: 'Body is valid against the schema',
    checks: 'The response body validates against the documented schema.',
    appliesWhen: 'Operations documenting a JSON body for the returned status.',
    judgedBy:
      'The body parses as JSON and validates (ajv, JSON Schema 2020-12 / OpenAPI rules, formats checked) against the schema for the status and media type. Each violation is listed with its JSON pointer.',
    fix: 'Make the response match the spec (types, formats, enums, nullability), or correct the spec where the API is right.',
  }),
  t({
    id: 'contract.headers',
    category: 'contract',
    title: 'Documented headers are present',
    checks: 'Required response headers are present and valid.',
    appliesWhen: 'Operations whose returned status documents headers.',
    judgedBy:
      'Every header documented as required is present; every documented header present validates against its schema.',
    fix: 'Send the headers the spec marks as required on this response (e.g. Location, X-Request-Id), with values of the documented type.',
  }),
  t({
    id: 'contract.required-fields',
    category: 'contract',
    title: 'Required fields are present',
    checks: 'Every field the schema marks as required is in the body.',
    appliesWhen:
      'Operations documenting a JSON body with required properties for the returned status.',
    judgedBy:
      'Only the `required` keyword is checked, at every depth, so a missing field is reported even when other violations exist.',
    fix: 'Always return the required fields (use null where the schema allows it), or mark the field optional in the spec.',
  }),
  // ---- request validation (5) --------------------------------------------------
  t({
    id: 'request-validation.missing-required',
    category: 'request-validation',
    title: 'Missing required field → 4xx',
    checks: 'A body without one required field is refused.',
    appliesWhen: 'Operations with a JSON request body that has required properties.',
    judgedBy:
      'The valid body with exactly one required property removed (checked invalid with ajv). Any 4xx passes, and its body must match the documented error schema for that status when one is documented. 2xx or 5xx fails.',
    fix: 'Validate request bodies against the schema before handling them, and answer 400 or 422 with the documented error body naming the missing field.',
  }),
  t({
    id: 'request-validation.wrong-type',
    category: 'request-validation',
    title: 'Wrong type → 4xx',
    checks: 'A field of the wrong type is refused.',
    appliesWhen: 'Operations with a JSON request body that has typed properties.',
    judgedBy:
      'The valid body with one property replaced by a value of another type (checked invalid in exactly that place). Judged as the missing-field template.',
    fix: 'Validate types strictly (no silent coercion of "abc" to a number or of objects to strings) and answer 400/422.',
  }),
  t({
    id: 'request-validation.enum',
    category: 'request-validation',
    title: 'Value outside the enum → 4xx',
    checks: 'A value outside a documented enum is refused.',
    appliesWhen: 'Operations with an enum in the JSON body or in a query parameter.',
    judgedBy:
      'The valid request with one enum value replaced by a string outside the enum. Judged as the missing-field template.',
    fix: 'Reject unknown enum values instead of ignoring them or falling back to a default.',
  }),
  t({
    id: 'request-validation.malformed-json',
    category: 'request-validation',
    title: 'Malformed JSON → 4xx',
    checks: 'A body that is not JSON is refused.',
    appliesWhen: 'Operations with a JSON request body.',
    judgedBy:
      'A body cut mid-object (`{"a":`) with a JSON Content-Type. 400 or another 4xx passes (with the documented error shape when one is documented); 2xx or 5xx fails.',
    fix: 'Catch JSON parse errors and answer 400 with your error body instead of letting the parser throw (a 500).',
  }),
  t({
    id: 'request-validation.invalid-body',
    category: 'request-validation',
    title: 'Oversized or otherwise invalid body → 4xx',
    checks:
      'A body breaking a size or format constraint, or of an unsupported media type, is refused.',
    appliesWhen: 'Operations with a request body.',
    judgedBy:
      'One constraint broken (maxLength, maximum, maxItems, pattern or format), or, where the schema has none, the body sent as text/plain. Any 4xx passes (415 expected for the media type); 2xx or 5xx fails.',
    fix: 'Enforce the schema’s limits and the documented request media types (answer 413/415/400/422).',
  }),
  // ---- errors (4) ----------------------------------------------------------------
  t({
    id: 'errors.not-found',
    category: 'errors',
    title: 'Unknown resource → 404',
    checks: 'Reading a resource that does not exist answers 404.',
    appliesWhen: 'GET operations on an item path (`/things/{id}`).',
    judgedBy:
      'The id is well-formed for its schema but cannot exist (a fresh UUID, a huge number, a random string). 404 passes (410 too); 2xx fails; anything else fails.',
    fix: 'Answer 404 (not 200 with an empty body, not 400 or 500) when the resource is not found.',
  }),
  t({
    id: 'errors.method-not-allowed',
    category: 'errors',
    title: 'Undeclared method → 405',
    checks: 'A method the path does not declare is refused with 405.',
    appliesWhen:
      'Every path, with one method it does not declare (GET first, then PATCH, PUT, POST, DELETE).',
    judgedBy:
      '405 passes; an `Allow` header is expected (a missing one is a warning). 2xx fails; 404 or anything else fails.',
    fix: 'Route known paths with unsupported methods to a 405 with an Allow header listing the supported ones.',
  }),
  t({
    id: 'errors.error-schema',
    category: 'errors',
    title: 'Error body matches the documented schema',
    checks: 'Error answers have the documented error shape.',
    appliesWhen: 'Operations documenting a 4xx (or 4XX/default) response with a schema.',
    judgedBy:
      'An invalid request (body missing a required field, else an unknown id, else no credentials) provokes an error; its body must validate against the schema documented for the status returned (or 4XX/default). Not judged when nothing documented applies.',
    fix: 'Return every error in the documented shape (e.g. `{"error": {"type", "message"}}` or problem+json), including framework-generated ones.',
  }),
  t({
    id: 'errors.no-leaks',
    category: 'errors',
    title: 'No stack traces or internals leaked',
    checks: 'Error answers reveal no stack traces, file paths, exception names or SQL errors.',
    appliesWhen: 'Every operation the suite provokes an error on.',
    judgedBy:
      'Bodies and headers of error answers are scanned for stack frames (`at f (file.js:1:2)`, `Traceback`, `.java:12)`), absolute source paths, exception class names and database errors.',
    fix: 'Log details server-side and return a generic error body with a request id; turn off debug error pages in every environment partners can reach.',
  }),
  // ---- pagination (4) --------------------------------------------------------------
  t({
    id: 'pagination.first-page',
    category: 'pagination',
    title: 'First page',
    checks: 'A paginated list answers its first page.',
    appliesWhen: 'List operations where the spec engine detected pagination.',
    judgedBy:
      'A request with a small page size gets a 2xx whose body has a list (the array, or the array property of the envelope).',
    fix: 'Make the list operation answer a page (with its envelope) even when the collection is empty.',
  }),
  t({
    id: 'pagination.next-page',
    category: 'pagination',
    title: 'Next page via the detected style',
    checks: 'The next page can be fetched the way the API paginates.',
    appliesWhen:
      'Paginated list operations; needs at least two items (the suite creates them when it can).',
    judgedBy:
      'The next page is requested by cursor (last id or the body’s next cursor), offset, page number or the `Link: rel="next"` URL. A 2xx with a list passes.',
    fix: 'Honour the pagination parameters you document and return what the next request needs (cursor, next link, or has_more with stable ordering).',
  }),
  t({
    id: 'pagination.page-size',
    category: 'pagination',
    title: 'Page size is honoured',
    checks: 'A page never holds more items than asked.',
    appliesWhen: 'Paginated list operations with a page-size parameter.',
    judgedBy: 'With a page size of 2, the page holds at most 2 items.',
    fix: 'Apply the limit/page-size parameter (capped by your maximum) instead of returning everything.',
  }),
  t({
    id: 'pagination.consistency',
    category: 'pagination',
    title: 'No duplicates or gaps, correct “has more”',
    checks: 'Consecutive pages neither repeat nor skip items, and the has-more signal is right.',
    appliesWhen: 'Paginated list operations; needs at least three items.',
    judgedBy:
      'Pages 1 and 2 (size 2) share no item id; together they equal the first 4 items of one larger page; `has_more`/next cursor/next link says there is more exactly when page 2 is not empty.',
    fix: 'Paginate over a stable order (e.g. by id), compute has_more from a probe of one extra item, and keep cursors pointing past the last item returned.',
  }),
  // ---- idempotency (3) ---------------------------------------------------------------
  t({
    id: 'idempotency.replay',
    category: 'idempotency',
    title: 'Replay returns the same response',
    checks:
      'The same request with the same idempotency key returns the same answer and creates nothing new.',
    appliesWhen: 'Operations documenting an idempotency header.',
    judgedBy: 'Two identical requests with one new key: same status, same body (ids included).',
    fix: 'Store the first response per key (and request fingerprint) and return it for repeats within the key’s lifetime.',
  }),
  t({
    id: 'idempotency.conflict',
    category: 'idempotency',
    title: 'Same key, other body → rejected',
    checks: 'Reusing a key with a different request is refused.',
    appliesWhen: 'Operations documenting an idempotency header.',
    judgedBy:
      'A second request with the same key and a different body gets a 4xx (409, 422 or 400).',
    fix: 'Fingerprint the request with the key and refuse a mismatch instead of replaying or processing it.',
  }),
  t({
    id: 'idempotency.replay-marked',
    category: 'idempotency',
    title: 'The replay is marked as documented',
    checks: 'A replayed response carries the marker the API documents.',
    appliesWhen:
      'Operations documenting an idempotency header and a replay marker header (e.g. Idempotent-Replayed).',
    judgedBy: 'The second response of the replay carries the documented header with a true value.',
    fix: 'Add the documented replay header to responses served from the idempotency store.',
  }),
  // ---- rate limiting (3) -----------------------------------------------------------------
  t({
    id: 'rate-limiting.headers',
    category: 'rate-limiting',
    title: 'Limit headers present',
    checks: 'Responses carry the rate-limit headers the API documents.',
    appliesWhen: 'APIs documenting rate-limit headers.',
    judgedBy:
      'An ordinary 2xx answer carries the documented limit headers (or RateLimit-*/X-RateLimit-* when the spec names them generically) with numeric values.',
    fix: 'Send the limit, remaining and reset headers on every answer, as documented.',
  }),
  t({
    id: 'rate-limiting.burst',
    category: 'rate-limiting',
    title: '429 under a bounded burst',
    checks: 'Exceeding the limit is answered with 429.',
    appliesWhen:
      'Only where the environment allows rate-limit bursts; run last, bounded by the environment’s burst size.',
    judgedBy:
      'Up to the burst size of requests in parallel on a read operation: at least one 429 passes. Not judged when the advertised limit is above the burst size.',
    fix: 'Enforce the documented limit per credential and answer 429 when it is exceeded.',
  }),
  t({
    id: 'rate-limiting.retry-after',
    category: 'rate-limiting',
    title: 'Retry-After present and honoured',
    checks: 'A 429 says when to retry, and a retry after that time succeeds.',
    appliesWhen: 'Where the burst template got a 429.',
    judgedBy:
      'The 429 carries Retry-After (seconds or HTTP date, at most 60 s waited); a request after the wait is not 429.',
    fix: 'Send Retry-After on 429 with the real time until the window resets.',
  }),
  // ---- webhooks (3) -------------------------------------------------------------------------
  t({
    id: 'webhooks.signed',
    category: 'webhooks',
    title: 'Deliveries are signed',
    checks: 'Webhook deliveries carry a signature in the environment’s scheme.',
    appliesWhen:
      'Specs with webhooks or callbacks, on environments whose receiver URL the sandbox delivers to; the run waits a bounded time after its writes.',
    judgedBy:
      'Deliveries received during the run carry the scheme’s signature headers (Standard Webhooks, Stripe, GitHub or a named header). None arriving fails where webhooks are Required.',
    fix: 'Sign every delivery with the shared secret and send the signature headers of your scheme.',
  }),
  t({
    id: 'webhooks.signature-valid',
    category: 'webhooks',
    title: 'Signature verifies with the shared secret',
    checks:
      'Each delivery’s signature verifies with the receiver’s secret, and its timestamp is fresh.',
    appliesWhen: 'As the signed template.',
    judgedBy:
      'HMAC-SHA256 recomputed over the scheme’s signed content matches (timing-safe); timestamps within 5 minutes.',
    fix: 'Sign the exact raw body bytes you send, with the secret shown for this environment, in the scheme’s format.',
  }),
  t({
    id: 'webhooks.payload-valid',
    category: 'webhooks',
    title: 'Payload valid against the event schema',
    checks: 'Each delivery’s body validates against a documented webhook or callback schema.',
    appliesWhen: 'As the signed template.',
    judgedBy: 'The JSON body validates against the schema of at least one documented event.',
    fix: 'Send payloads in the documented event shape, or document the events you send.',
  }),
  // ---- resilience (3) -------------------------------------------------------------------------
  t({
    id: 'resilience.p95-latency',
    category: 'resilience',
    title: 'p95 latency under budget',
    checks: 'Across the run, 95% of answers come within the latency budget.',
    appliesWhen: 'Once per run, judged at the end over every ordinary request (bursts excluded).',
    judgedBy: 'The 95th percentile of response times is at most the environment’s latency budget.',
    fix: 'Find the slow operations in the run’s cases (durations are recorded) and profile them.',
  }),
  t({
    id: 'resilience.parallel-consistency',
    category: 'resilience',
    title: '10 parallel requests are consistent',
    checks: 'The same read, 10 times at once, gets the same answer.',
    appliesWhen: 'Once per run, on a read operation whose request the suite can build.',
    judgedBy: 'All 10 answers have the same status; 2xx bodies all validate against the schema.',
    fix: 'Look for shared mutable state, connection-pool exhaustion or race conditions under concurrency.',
  }),
  t({
    id: 'resilience.timeouts',
    category: 'resilience',
    title: 'No request goes unanswered',
    checks: 'Every request of the run is answered within the request timeout.',
    appliesWhen: 'Once per run, judged at the end.',
    judgedBy:
      'A request that never answers is recorded as a timeout on its own case and the run goes on; this template fails if any did, naming them.',
    fix: 'Find the operations that hang (listed in the failure) and add server-side timeouts so they fail fast.',
  }),
  // ---- workflow (beyond the 38) ---------------------------------------------------------------------
  t({
    id: 'workflow.crud',
    category: 'workflow',
    title: 'Create, read back, update, list, delete',
    checks:
      'A CRUD resource round-trips: what was written is what is read, the list contains it, and after delete a read gives 404.',
    appliesWhen: 'Each CRUD resource the spec engine found (a collection and its item path).',
    judgedBy:
      'create → read (written fields equal) → update (PUT/PATCH where documented) → read (updated fields equal) → list contains the id → delete → read is 404. Each step is an assertion.',
    fix: 'Persist every writable field, return the stored representation on read, include new items in lists, and make deletes final.',
  }),
  t({
    id: 'workflow.links',
    category: 'workflow',
    title: 'OpenAPI links can be followed',
    checks: 'A link documented on a response leads to an operation that answers 2xx.',
    appliesWhen: 'Responses documenting OpenAPI `links`.',
    judgedBy:
      'The source operation is called, the link’s parameters are evaluated from its response, and the target operation must answer 2xx.',
    fix: 'Make the linked operation accept the values the source response provides, or correct the link in the spec.',
  }),
]

export const GOLDEN_TEMPLATE_COUNT = GOLDEN_TEMPLATES.filter(
  (template) => template.category !== 'workflow',
).length

const BY_ID = new Map(GOLDEN_TEMPLATES.map((template) => [template.id, template]))

export function goldenTemplate(id: string): GoldenTemplate | undefined {
  return BY_ID.get(id)
}

export type Verdict = 'pending' | 'passed' | 'failed' | 'errored' | 'skipped' | 'needs_config'
export type Level = 'required' | 'optional' | 'na'

/** The group of API-wide cases (connectivity, webhooks, resilience) in profiles. */
export const API_GROUP = '*'
