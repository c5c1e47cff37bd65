/**
 * The official Stripe SDK pointed at the mock of ../shared/specs/stripe-spec3.json, in
 * its own process on 127.0.0.1: ordinary calls work, errors raise the SDK's own classes.
 */
import fs from 'node:fs'
import path from 'node:path'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock } from '~/server/mocks/service.server'
import { getSupervisor } from '~/server/mocks/supervisor.server'
import { importSpec } from '~/server/specs/store.server'
import { createOrg, createProject } from '../helpers'
import { SHARED_SPECS } from '../support/shared-specs'

const base = 30_000 + Math.floor(Math.random() * 10_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 10}`

let stripe: Stripe
beforeAll(async () => {
  const projectId = (await createProject((await createOrg()).id)).id
  const imported = await importSpec({
    projectId,
    raw: fs.readFileSync(path.join(SHARED_SPECS, 'stripe-spec3.json')),
    sourceKind: 'upload',
    sourceName: 'stripe-spec3.json',
  })
  const mock = await createMock(projectId, imported.version.id)
  stripe = new Stripe('sk_test_copilot', {
    host: '127.0.0.1',
    port: mock.port!,
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
  })
}, 120_000)
afterAll(() => getSupervisor().shutdown())

describe('the Stripe SDK against the mock of Stripe’s spec', () => {
  it('creates a customer with metadata and reads it back', async () => {
    const created = await stripe.customers.create({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      metadata: { order: '42', tier: 'gold' },
    })
    expect(created.object).toBe('customer')
    expect(created.id).toMatch(/^customer_\d+$/)
    const read = await stripe.customers.retrieve(created.id)
    expect(read).toMatchObject({
      id: created.id,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      metadata: { order: '42', tier: 'gold' },
    })
  })

  it('creates a payment intent with an array field', async () => {
    // The spec's API version takes payment_method_types (the SDK's newer types no longer list it).
    const intent = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method_types: ['card'],
    } as Stripe.PaymentIntentCreateParams)
    expect(intent).toMatchObject({
      object: 'payment_intent',
      amount: 2000,
      currency: 'usd',
      payment_method_types: ['card'],
    })
  })

  it('replays an idempotent create, and refuses the key with other parameters', async () => {
    const idempotencyKey = `order-${Date.now()}`
    const first = await stripe.customers.create({ name: 'Once' }, { idempotencyKey })
    const again = await stripe.customers.create({ name: 'Once' }, { idempotencyKey })
    expect(again.id).toBe(first.id)
    // The same key with other parameters is a 409 whose body Stripe's clients read as an
    // idempotency error.
    const reused = (await stripe.customers
      .create({ name: 'Twice' }, { idempotencyKey })
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeError
    expect(reused).toBeInstanceOf(Stripe.errors.StripeError)
    expect(reused.statusCode).toBe(409)
    expect(reused.type).toBe('StripeAPIError')
    expect(reused.raw).toMatchObject({ type: 'idempotency_error' })
    expect(reused.message).toMatch(/Idempotency-Key/)
  })

  it('auto-pages a list over the customers it created', async () => {
    const created = []
    for (let index = 0; index < 5; index++)
      created.push((await stripe.customers.create({ name: `Paged ${index}` })).id)
    const seen: string[] = []
    for await (const customer of stripe.customers.list({ limit: 2 })) seen.push(customer.id)
    expect(new Set(seen).size).toBe(seen.length)
    for (const id of created) expect(seen).toContain(id)
  })

  it('raises StripeInvalidRequestError with the mock’s message', async () => {
    const error = await stripe.paymentIntents
      .create({ amount: 'lots' as unknown as number, currency: 'usd' })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    const invalid = error as Stripe.errors.StripeInvalidRequestError
    expect(invalid.statusCode).toBe(400)
    expect(invalid.param).toBe('amount')
    expect(invalid.message).toMatch(/amount must be integer/)
  })

  it('creates a product and its price', async () => {
    const product = await stripe.products.create({ name: 'Pro plan' })
    const price = await stripe.prices.create({
      product: product.id,
      unit_amount: 1500,
      currency: 'eur',
      recurring: { interval: 'month' },
    })
    expect(price).toMatchObject({
      object: 'price',
      product: product.id,
      unit_amount: 1500,
      currency: 'eur',
      recurring: { interval: 'month' },
    })
    // `format: decimal` values are decimal strings the SDK can read as numbers.
    for (const decimal of [price.unit_amount_decimal, price.tiers?.[0]?.unit_amount_decimal])
      if (decimal !== null && decimal !== undefined)
        expect(String(decimal)).toMatch(/^-?\d+(\.\d+)?$/)
    expect(price.id).not.toBe(product.id)
  })
})
