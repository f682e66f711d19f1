// Events: subscribe, emit, unsubscribe, fan-out.
// Reference recording: /work/shared/protocol/transcripts/events.jsonl

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { env, loggedInClient, collect, barrier, uid, withTimeout, waitFor } from './support.mjs'

const OPEN_URL = env('OPEN_URL')

const VALUES = [
  { headline: 'hello', tags: ['a', 'b'], nested: { n: 1.5, ok: true, none: null } },
  42,
  'a plain string',
  '',
  0,
  false,
  null,
  [1, 'two', { three: 3 }],
  'unicode ✓ – ünïcödé 🚀'
]

test('emit delivers objects, scalars, strings and arrays exactly to the other subscribers', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'emitter' })
  const b = await loggedInClient(t, OPEN_URL, { username: 'sub-b' })
  const c = await loggedInClient(t, OPEN_URL, { username: 'sub-c' })
  const name = uid('news')
  const atA = collect(a, name)
  const atB = collect(b, name)
  const atC = collect(c, name)
  await Promise.all([barrier(a, b), barrier(a, c)])

  for (const v of VALUES) a.event.emit(name, v)
  // the emitter's own callback runs locally and synchronously, once per emit
  assert.deepEqual(atA, VALUES)

  await Promise.all([barrier(a, b), barrier(a, c)])
  assert.deepEqual(atB, VALUES)
  assert.deepEqual(atC, VALUES)

  // the server must not echo the event back to the emitter: after a barrier in the
  // other direction (b -> a) any server copy would already have arrived
  await barrier(b, a)
  assert.deepEqual(atA, VALUES)
  for (const client of [a, b, c]) assert.deepEqual(client.errors, [])
})

test('emit without data delivers undefined', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'emitter' })
  const b = await loggedInClient(t, OPEN_URL, { username: 'sub-b' })
  const name = uid('nodata')
  const atA = collect(a, name)
  const atB = collect(b, name)
  await barrier(a, b)
  a.event.emit(name)
  await barrier(a, b)
  assert.equal(atB.length, 1)
  assert.equal(atB[0], undefined)
  await barrier(b, a)
  assert.equal(atA.length, 1)
  assert.equal(atA[0], undefined)
})

test('a subscriber emitting to its own event gets it once (locally) and others get it too', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'a' })
  const b = await loggedInClient(t, OPEN_URL, { username: 'b' })
  const name = uid('both-ways')
  const atA = collect(a, name)
  const atB = collect(b, name)
  await Promise.all([barrier(a, b), barrier(b, a)])
  a.event.emit(name, 'from-a')
  b.event.emit(name, 'from-b')
  await Promise.all([barrier(a, b), barrier(b, a)])
  assert.deepEqual(atA.slice().sort(), ['from-a', 'from-b'])
  assert.deepEqual(atB.slice().sort(), ['from-a', 'from-b'])
  assert.equal(atA[0], 'from-a') // own emit is delivered synchronously, before anything from the server
  assert.equal(atB[0], 'from-b')
})

test('several names subscribed in the same tick are all delivered', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'a' })
  const b = await loggedInClient(t, OPEN_URL, { username: 'b' })
  const names = [uid('multi'), uid('multi'), uid('multi')]
  const received = names.map((n) => collect(b, n))
  await barrier(a, b)
  names.forEach((n, i) => a.event.emit(n, { i }))
  await barrier(a, b)
  assert.deepEqual(received, [[{ i: 0 }], [{ i: 1 }], [{ i: 2 }]])
})

test('unsubscribe stops delivery to that client only; subscribing again resumes it', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'emitter' })
  const b = await loggedInClient(t, OPEN_URL, { username: 'leaver' })
  const c = await loggedInClient(t, OPEN_URL, { username: 'stayer' })
  const name = uid('unsub')
  const atB = collect(b, name)
  const atC = collect(c, name)
  await Promise.all([barrier(a, b), barrier(a, c)])
  a.event.emit(name, 1)
  await Promise.all([barrier(a, b), barrier(a, c)])
  assert.deepEqual(atB, [1])

  atB.unsubscribe()
  await barrier(a, b) // b's UNSUBSCRIBE has been processed
  a.event.emit(name, 2)
  await Promise.all([barrier(a, b), barrier(a, c)])
  assert.deepEqual(atB, [1])
  assert.deepEqual(atC, [1, 2])

  const again = collect(b, name)
  await barrier(a, b)
  a.event.emit(name, 3)
  await Promise.all([barrier(a, b), barrier(a, c)])
  assert.deepEqual(atB, [1])
  assert.deepEqual(again, [3])
  assert.deepEqual(atC, [1, 2, 3])
  for (const client of [a, b, c]) assert.deepEqual(client.errors, [])
})

test('two local callbacks for one name on one client both fire, once each', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'emitter' })
  const b = await loggedInClient(t, OPEN_URL, { username: 'double' })
  const name = uid('double')
  const first = collect(b, name)
  const second = collect(b, name)
  await barrier(a, b)
  a.event.emit(name, 'x')
  await barrier(a, b)
  assert.deepEqual(first, ['x'])
  assert.deepEqual(second, ['x'])
  // removing one callback keeps the subscription alive for the other
  first.unsubscribe()
  await barrier(a, b)
  a.event.emit(name, 'y')
  await barrier(a, b)
  assert.deepEqual(first, ['x'])
  assert.deepEqual(second, ['x', 'y'])
})

test('20 subscribers each receive every emit, in order', async (t) => {
  const emitter = await loggedInClient(t, OPEN_URL, { username: 'fan-emitter' })
  const subscribers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => loggedInClient(t, OPEN_URL, { username: `fan-${i}` }))
  )
  const name = uid('fanout')
  const received = subscribers.map((s) => collect(s, name))
  await Promise.all(subscribers.map((s) => barrier(emitter, s)))
  const sent = Array.from({ length: 10 }, (_, i) => ({ seq: i, text: `message ${i}` }))
  for (const m of sent) emitter.event.emit(name, m)
  await withTimeout(
    waitFor(() => received.every((r) => r.length >= sent.length), 10000, 'all subscribers to receive all emits'),
    11000, 'fan-out'
  )
  await Promise.all(subscribers.map((s) => barrier(emitter, s)))
  received.forEach((r, i) => assert.deepEqual(r, sent, `subscriber ${i}`))
})

test('emit with nobody subscribed is harmless', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'lonely' })
  const b = await loggedInClient(t, OPEN_URL, { username: 'later' })
  for (let i = 0; i < 5; i++) a.event.emit(uid('nobody'), { i })
  // the connection keeps working normally
  const name = uid('after-nobody')
  const atB = collect(b, name)
  await barrier(a, b)
  a.event.emit(name, 'still works')
  await barrier(a, b)
  assert.deepEqual(atB, ['still works'])
  assert.equal(a.getConnectionState(), 'OPEN')
  assert.deepEqual(a.errors, [])
})

test('subscriptions are per connection: a closed subscriber does not break delivery to others', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'emitter' })
  const b = await loggedInClient(t, OPEN_URL, { username: 'goes-away' })
  const c = await loggedInClient(t, OPEN_URL, { username: 'stays' })
  const name = uid('closed-sub')
  collect(b, name)
  const atC = collect(c, name)
  await Promise.all([barrier(a, b), barrier(a, c)])
  b.close()
  a.event.emit(name, 'one')
  a.event.emit(name, 'two')
  await barrier(a, c)
  assert.deepEqual(atC, ['one', 'two'])
})
