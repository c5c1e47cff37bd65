/**
 * The official OpenAI SDK (`openai`, already the assistant's client) pointed at a mock of a
 * spec written the way OpenAI's own is (https://github.com/openai/openai-openapi: the same
 * paths, schema names and conventions, cut down to five operations), directly and through
 * the public URL's gateway. What it needs of the mock, with nothing OpenAI-specific in it:
 * - `"stream": true` in the body answers the documented `text/event-stream` (the SDK sends
 *   `Accept: application/json` for streams too), one event per chunk, each named after its
 *   `type` where it has one, the type its own schema fixes (not the discriminator's
 *   implicit schema name);
 * - an operation that documents no error answers in the error shape the rest of the API
 *   documents (`{error: {message, type, param, code}}`): the SDK reads `error.message`, and
 *   from problem+json it raised "400 status code (no body)".
 * Checked by hand against the whole 3 MB spec as well (README: Mocks and SDKs).
 */
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SdkMock, startSdkMock } from '../support/sdk-mock'

const base = 30_000 + Math.floor(Math.random() * 10_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 10}`

const SPEC = `openapi: 3.1.0
info: {title: OpenAI API (cut down), version: 2.3.0}
servers: [{url: "https://api.openai.com/v1"}]
security: [{ApiKeyAuth: []}]
components:
  securitySchemes:
    ApiKeyAuth: {type: http, scheme: bearer}
  responses:
    TooManyRequests:
      description: Rate limited.
      content: {application/json: {schema: {$ref: "#/components/schemas/ErrorResponse"}}}
  schemas:
    Error:
      type: object
      required: [type, message, param, code]
      properties:
        code: {anyOf: [{type: string}, {type: "null"}]}
        message: {type: string}
        param: {anyOf: [{type: string}, {type: "null"}]}
        type: {type: string}
    ErrorResponse:
      type: object
      required: [error]
      properties: {error: {$ref: "#/components/schemas/Error"}}
    Model:
      type: object
      required: [id, object, created, owned_by]
      properties:
        id: {type: string}
        object: {type: string, enum: [model]}
        created: {type: integer}
        owned_by: {type: string}
    ListModelsResponse:
      type: object
      required: [object, data]
      properties:
        object: {type: string, enum: [list]}
        data: {type: array, items: {$ref: "#/components/schemas/Model"}}
    CreateChatCompletionRequest:
      type: object
      required: [model, messages]
      properties:
        model: {type: string}
        messages:
          type: array
          minItems: 1
          items:
            type: object
            required: [role, content]
            properties:
              role: {type: string, enum: [system, user, assistant]}
              content: {type: string}
        stream: {anyOf: [{type: boolean}, {type: "null"}]}
    CreateChatCompletionResponse:
      type: object
      required: [id, object, created, model, choices]
      properties:
        id: {type: string}
        object: {type: string, enum: [chat.completion]}
        created: {type: integer}
        model: {type: string}
        choices:
          type: array
          minItems: 1
          items:
            type: object
            required: [index, message, finish_reason]
            properties:
              index: {type: integer}
              finish_reason: {type: string, enum: [stop, length]}
              message:
                type: object
                required: [role, content]
                properties:
                  role: {type: string, enum: [assistant]}
                  content: {type: string}
    CreateChatCompletionStreamResponse:
      type: object
      required: [id, object, created, model, choices]
      properties:
        id: {type: string}
        object: {type: string, enum: [chat.completion.chunk]}
        created: {type: integer}
        model: {type: string}
        choices:
          type: array
          minItems: 1
          maxItems: 1
          items:
            type: object
            required: [index, delta]
            properties:
              index: {type: integer}
              delta: {type: object, properties: {content: {type: string}}}
    VectorStoreObject:
      type: object
      required: [id, object, name, created_at]
      properties:
        id: {type: string}
        object: {type: string, enum: [vector_store]}
        name: {type: string}
        created_at: {type: integer}
    ListVectorStoresResponse:
      type: object
      required: [object, data, first_id, last_id, has_more]
      properties:
        object: {type: string, example: list}
        data: {type: array, items: {$ref: "#/components/schemas/VectorStoreObject"}}
        first_id: {type: string}
        last_id: {type: string}
        has_more: {type: boolean}
    DeleteVectorStoreResponse:
      type: object
      required: [id, object, deleted]
      properties:
        id: {type: string}
        object: {type: string, enum: [vector_store.deleted]}
        deleted: {type: boolean}
    ResponseCreatedEvent:
      type: object
      required: [type, sequence_number]
      properties:
        type: {type: string, enum: [response.created], x-stainless-const: true}
        sequence_number: {type: integer}
    ResponseTextDeltaEvent:
      type: object
      required: [type, delta, sequence_number]
      properties:
        type: {type: string, enum: [response.output_text.delta], x-stainless-const: true}
        delta: {type: string}
        sequence_number: {type: integer}
    ResponseStreamEvent:
      anyOf:
        - {$ref: "#/components/schemas/ResponseCreatedEvent"}
        - {$ref: "#/components/schemas/ResponseTextDeltaEvent"}
      discriminator: {propertyName: type}
paths:
  /models:
    get:
      operationId: listModels
      responses:
        "200": {description: OK, content: {application/json: {schema: {$ref: "#/components/schemas/ListModelsResponse"}}}}
  /models/{model}:
    delete:
      operationId: deleteModel
      parameters: [{name: model, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: OK, content: {application/json: {schema: {type: object}}}}
        "404": {description: Not found, content: {application/json: {schema: {$ref: "#/components/schemas/ErrorResponse"}}}}
  /vector_stores:
    get:
      operationId: listVectorStores
      parameters:
        - {name: limit, in: query, schema: {type: integer, default: 20}}
        - {name: order, in: query, schema: {type: string, default: desc, enum: [asc, desc]}}
        - {name: after, in: query, schema: {type: string}}
        - {name: before, in: query, schema: {type: string}}
      responses:
        "200": {description: OK, content: {application/json: {schema: {$ref: "#/components/schemas/ListVectorStoresResponse"}}}}
    post:
      operationId: createVectorStore
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, properties: {name: {type: string}}}}}
      responses:
        "200": {description: OK, content: {application/json: {schema: {$ref: "#/components/schemas/VectorStoreObject"}}}}
  /vector_stores/{vector_store_id}:
    parameters: [{name: vector_store_id, in: path, required: true, schema: {type: string}}]
    get:
      operationId: getVectorStore
      responses:
        "200": {description: OK, content: {application/json: {schema: {$ref: "#/components/schemas/VectorStoreObject"}}}}
    post:
      operationId: modifyVectorStore
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, properties: {name: {type: string}}}}}
      responses:
        "200": {description: OK, content: {application/json: {schema: {$ref: "#/components/schemas/VectorStoreObject"}}}}
    delete:
      operationId: deleteVectorStore
      responses:
        "200": {description: OK, content: {application/json: {schema: {$ref: "#/components/schemas/DeleteVectorStoreResponse"}}}}
  /chat/completions:
    post:
      operationId: createChatCompletion
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/CreateChatCompletionRequest"}}}
      responses:
        "200":
          description: OK
          content:
            application/json: {schema: {$ref: "#/components/schemas/CreateChatCompletionResponse"}}
            text/event-stream: {schema: {$ref: "#/components/schemas/CreateChatCompletionStreamResponse"}}
        "429": {$ref: "#/components/responses/TooManyRequests"}
  /responses:
    post:
      operationId: createResponse
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [model, input]
              properties:
                model: {type: string}
                input: {type: string}
                stream: {anyOf: [{type: boolean}, {type: "null"}]}
      responses:
        "200":
          description: OK
          content:
            application/json: {schema: {type: object, required: [id, object], properties: {id: {type: string}, object: {type: string, enum: [response]}}}}
            text/event-stream: {schema: {$ref: "#/components/schemas/ResponseStreamEvent"}}
`

let mock: SdkMock
let direct: OpenAI
let viaGateway: OpenAI
beforeAll(async () => {
  mock = await startSdkMock(SPEC, 'openai-cut-down.yaml')
  const client = (baseURL: string) => new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0 })
  direct = client(`${mock.direct}/v1`)
  viaGateway = client(`${mock.viaGateway}/v1`)
}, 120_000)
afterAll(() => mock?.close())

const messages = [{ role: 'user' as const, content: 'Hello' }]

describe('the OpenAI SDK against a mock of a spec in OpenAI’s conventions', () => {
  it('lists models and creates a chat completion', async () => {
    const models = await direct.models.list()
    expect(models.data.length).toBeGreaterThan(0)
    expect(models.data[0]!.object).toBe('model')
    const completion = await direct.chat.completions.create({ model: 'gpt-4o', messages })
    expect(completion.object).toBe('chat.completion')
    expect(completion.choices[0]!.message.role).toBe('assistant')
  })

  it('streams a chat completion chunk by chunk, directly and through the public URL', async () => {
    for (const client of [direct, viaGateway]) {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o',
        messages,
        stream: true,
      })
      const chunks = []
      for await (const chunk of stream) chunks.push(chunk)
      expect(chunks).toHaveLength(3)
      for (const chunk of chunks) {
        expect(chunk.object).toBe('chat.completion.chunk')
        expect(chunk.choices).toHaveLength(1)
      }
    }
  })

  it('streams Responses events under the names their schemas fix', async () => {
    const stream = await direct.responses.create({ model: 'gpt-4o', input: 'Hi', stream: true })
    const types: string[] = []
    for await (const event of stream) types.push(event.type)
    expect(types).toHaveLength(3)
    for (const type of types)
      expect(['response.created', 'response.output_text.delta']).toContain(type)
  })

  it('keeps vector stores: newest first as the list declares, cursor pages, modify, delete', async () => {
    const made: string[] = []
    for (let index = 0; index < 25; index++)
      made.push((await direct.vectorStores.create({ name: `store ${index}` })).id)
    expect(made[0]).toBe('vector_store_000001')
    const first = await direct.vectorStores.list({ limit: 10 })
    // `order` is declared with `default: desc`: the newest come first.
    expect(first.data.map((store) => store.id)).toEqual(made.slice(-10).reverse())
    expect(first.has_more).toBe(true)
    const envelope = await (await direct.vectorStores.list({ limit: 10 }).asResponse()).json()
    expect(envelope).toMatchObject({ first_id: made[24], last_id: made[15], has_more: true })
    const seen: string[] = []
    for await (const store of viaGateway.vectorStores.list({ limit: 10, order: 'asc' }))
      seen.push(store.id)
    expect(seen).toEqual(made)

    const renamed = await direct.vectorStores.update(made[0]!, { name: 'renamed' })
    expect(renamed).toMatchObject({ id: made[0], name: 'renamed' })
    const deleted = await direct.vectorStores.delete(made[1]!)
    expect(deleted).toEqual({ id: made[1], object: 'vector_store.deleted', deleted: true })
    const gone = await direct.vectorStores.retrieve(made[1]!).catch((error: unknown) => error)
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError)
    expect((gone as Error).message).toMatch(
      /^404 No VectorStoreObject with id "vector_store_000002"/,
    )
  })

  it('raises the SDK’s own errors with the mock’s message, in the shape the API documents', async () => {
    const invalid = await direct.chat.completions
      // @ts-expect-error: messages left out on purpose
      .create({ model: 'gpt-4o' })
      .catch((error: unknown) => error)
    expect(invalid).toBeInstanceOf(OpenAI.BadRequestError)
    const error = invalid as InstanceType<typeof OpenAI.BadRequestError>
    expect(error.status).toBe(400)
    expect(error.message).toBe('400 messages is required.')
    expect(error.param).toBe('messages')
    expect(error.type).toBeTruthy()

    // No Authorization header at all (the SDK insists on a key, and leaves out a null header).
    const unauthorised = await new OpenAI({
      apiKey: 'unused',
      baseURL: direct.baseURL,
      maxRetries: 0,
      defaultHeaders: { authorization: null },
    }).models
      .list()
      .catch((caught: unknown) => caught)
    expect(unauthorised).toBeInstanceOf(OpenAI.AuthenticationError)
    expect((unauthorised as Error).message).toMatch(/^401 /)
  })
})
