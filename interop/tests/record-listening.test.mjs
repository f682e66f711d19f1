// Listening (active providers) for records: the same machinery as events plus has-provider notices.
// Reference recording: /work/shared/protocol/transcripts/listening.jsonl

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { env, loggedInClient, uid, provider, waitFor, withTimeout } from './support.mjs'

const OPEN_URL = env('OPEN_URL')

const names = (list) => list.map((m) => (typeof m === 'string' ? m : m.name))

test('record listening: subscribers see hasProvider follow the provider', async (t) => {
  const prefix = uid('stock')
  const p = await loggedInClient(t, OPEN_URL, { username: 'record-provider' })
  const s1 = await loggedInClient(t, OPEN_URL, { username: 's1' }, { recordDiscardTimeout: 200 })
  const s2 = await loggedInClient(t, OPEN_URL, { username: 's2' }, { recordDiscardTimeout: 200 })
  const pattern = `^${prefix}/`
  const name = `${prefix}/aapl`
  const prov = provider(p, pattern, 'accept', { topic: 'record' })

  const r1 = s1.record.getRecord(name)
  await withTimeout(r1.whenReady(), 5000, 'record ready')
  await waitFor(() => r1.hasProvider === true, 5000, 'hasProvider on the first subscriber')
  assert.deepEqual(names(prov.accepted), [name])

  const r2 = s2.record.getRecord(name)
  await withTimeout(r2.whenReady(), 5000, 'second record ready')
  await waitFor(() => r2.hasProvider === true, 5000, 'hasProvider on the second subscriber')
  assert.equal(prov.matches.length, 1)

  // unlisten while providing: subscribers are told there is no provider any more
  // (client 7.0.5 does not forward hasProviderChanged to Record objects, so poll the property)
  p.record.unlisten(pattern)
  await waitFor(() => r1.hasProvider === false && r2.hasProvider === false, 5000, 'hasProvider false after unlisten')

  // listening again: matched again
  const again = provider(p, pattern, 'accept', { topic: 'record' })
  await waitFor(() => again.accepted.length === 1, 5000, 'the provider to be asked again after listening again')
  await waitFor(() => r1.hasProvider === true && r2.hasProvider === true, 5000, 'hasProvider true again')

  // both discard: the provider is stopped
  r1.discard()
  r2.discard()
  await waitFor(() => again.stopped.length === 1, 5000, 'record onStop after both subscribers discarded')
  assert.deepEqual(names(again.stopped), [name])
  for (const c of [p, s1, s2]) assert.deepEqual(c.errors, [])
})

test('record listen with an invalid regular expression is reported on the RECORD topic', async (t) => {
  const p = await loggedInClient(t, OPEN_URL, { username: 'bad-record-regex' })
  p.record.listen('([', () => assert.fail('an invalid pattern must never match'))
  const error = await withTimeout(
    waitFor(() => p.errors.find((e) => e.topic === 'RECORD'), 5000, 'an error event on RECORD'), 6000, 'record regex error')
  // RECORD INVALID_LISTEN_REGEX has no handler in client 7.0.5: it surfaces as UNSOLICITED_MESSAGE
  assert.equal(error.event, 'UNSOLICITED_MESSAGE')
  assert.equal(p.getConnectionState(), 'OPEN')
})
