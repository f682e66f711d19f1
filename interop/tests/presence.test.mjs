// Presence: join/leave notifications (all users or single users), queries, several connections
// of one user, anonymous users, unsubscribe.
// Reference recording: /work/shared/protocol/transcripts/presence.jsonl
//
// Every test uses fresh user names (uid) and looks only at its own names, because the leave
// notifications of the previous test's users may still be on their way. Only the anonymous test
// uses the shared user id 'open'.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  env, login, loggedInClient, newClient, presenceBarrier, sleep, uid, waitFor, withTimeout
} from './support.mjs'

const OPEN_URL = env('OPEN_URL')
// extra time allowed for notifications that must NOT arrive, after a later one did
const QUIET_MS = 300

/** Subscribes client to everybody's presence; records [user, online] pairs. */
function watchAll (client) {
  const seen = []
  const callback = (user, online) => seen.push([user, online])
  client.presence.subscribe(callback)
  Object.defineProperty(seen, 'unsubscribe', { value: () => client.presence.unsubscribe(callback) })
  return seen
}

/** Subscribes client to one user's presence; records [user, online] pairs. */
function watchUser (client, user) {
  const seen = []
  const callback = (name, online) => seen.push([name, online])
  client.presence.subscribe(user, callback)
  Object.defineProperty(seen, 'unsubscribe', { value: () => client.presence.unsubscribe(user, callback) })
  return seen
}

/** Only the notifications about `users`. */
const about = (seen, users) => seen.filter(([user]) => users.includes(user))

function waitForSeen (seen, entry, ms = 5000) {
  return waitFor(() => seen.some(([u, o]) => u === entry[0] && o === entry[1]), ms,
    () => `presence ${JSON.stringify(entry)} (seen ${JSON.stringify(seen)})`)
}

/** getAll() restricted to `users` (sorted). */
async function onlineAmong (client, users) {
  const all = await withTimeout(client.presence.getAll(), 5000, 'presence.getAll()')
  assert.ok(Array.isArray(all), `getAll() gave ${JSON.stringify(all)}`)
  return all.filter((u) => users.includes(u)).sort()
}

/** Waits until the getAll() answer of client, restricted to `users`, equals `expected`. */
async function waitForOnline (client, users, expected, ms = 5000) {
  const deadline = Date.now() + ms
  let last
  for (;;) {
    last = await onlineAmong(client, users)
    if (JSON.stringify(last) === JSON.stringify(expected.slice().sort())) return
    if (Date.now() >= deadline) assert.fail(`getAll() among ${users}: expected ${expected}, got ${last}`)
    await sleep(50)
  }
}

test('subscribe to all: a join callback when a user logs in, a leave callback when it disconnects', async (t) => {
  const watcherName = uid('watcher')
  const watcher = await loggedInClient(t, OPEN_URL, { username: watcherName })
  const seen = watchAll(watcher)
  await presenceBarrier(watcher)
  const bobName = uid('bob')
  const carolName = uid('carol')
  const users = [bobName, carolName]

  const bob = await loggedInClient(t, OPEN_URL, { username: bobName })
  await waitForSeen(seen, [bobName, true])
  const carol = await loggedInClient(t, OPEN_URL, { username: carolName })
  await waitForSeen(seen, [carolName, true])

  bob.close()
  await waitForSeen(seen, [bobName, false])
  carol.close()
  await waitForSeen(seen, [carolName, false])
  await sleep(QUIET_MS)
  assert.deepEqual(about(seen, users), [[bobName, true], [carolName, true], [bobName, false], [carolName, false]])
  // the watcher's own login was never announced to itself
  assert.deepEqual(about(seen, [watcherName]), [])
  assert.deepEqual(watcher.errors, [])
})

test('subscribe to one user: only that user\'s joins and leaves are reported', async (t) => {
  const watcher = await loggedInClient(t, OPEN_URL, { username: uid('watcher') })
  const bobName = uid('bob')
  const carolName = uid('carol')
  const seen = watchUser(watcher, bobName)
  await presenceBarrier(watcher)

  // carol first: had her join been (wrongly) delivered, it would come before bob's
  const carol = await loggedInClient(t, OPEN_URL, { username: carolName })
  const bob = await loggedInClient(t, OPEN_URL, { username: bobName })
  await waitForSeen(seen, [bobName, true])
  carol.close()
  await sleep(100)
  bob.close()
  await waitForSeen(seen, [bobName, false])
  await sleep(QUIET_MS)
  assert.deepEqual(seen, [[bobName, true], [bobName, false]])
  assert.deepEqual(watcher.errors, [])
})

test('getAll() lists the online users except the asking user (promise and callback form)', async (t) => {
  const aliceName = uid('alice')
  const bobName = uid('bob')
  const carolName = uid('carol')
  const users = [aliceName, bobName, carolName]
  const alice = await loggedInClient(t, OPEN_URL, { username: aliceName })
  const bob = await loggedInClient(t, OPEN_URL, { username: bobName })
  await loggedInClient(t, OPEN_URL, { username: carolName })

  assert.deepEqual(await onlineAmong(alice, users), [bobName, carolName].sort())
  assert.deepEqual(await onlineAmong(bob, users), [aliceName, carolName].sort())
  const viaCallback = await withTimeout(new Promise((resolve) => {
    alice.presence.getAll((error, result) => resolve({ error, result }))
  }), 5000, 'getAll(callback)')
  assert.equal(viaCallback.error, null)
  assert.deepEqual(viaCallback.result.filter((u) => users.includes(u)).sort(), [bobName, carolName].sort())

  bob.close()
  await waitForOnline(alice, users, [carolName])
  assert.deepEqual(alice.errors, [])
})

test('getAll([names]) answers {name: online} for exactly those names, the asking user included', async (t) => {
  const aliceName = uid('alice')
  const bobName = uid('bob')
  const daveName = uid('dave') // never logs in
  const alice = await loggedInClient(t, OPEN_URL, { username: aliceName })
  const bob = await loggedInClient(t, OPEN_URL, { username: bobName })

  const query = [bobName, daveName, aliceName]
  const expected = { [bobName]: true, [daveName]: false, [aliceName]: true }
  assert.deepEqual(await withTimeout(alice.presence.getAll(query), 5000, 'getAll([names])'), expected)
  const viaCallback = await withTimeout(new Promise((resolve) => {
    alice.presence.getAll(query, (error, result) => resolve({ error, result }))
  }), 5000, 'getAll([names], callback)')
  assert.deepEqual(viaCallback, { error: null, result: expected })
  // several queries in flight are matched to their own answers
  const answers = await withTimeout(Promise.all([
    alice.presence.getAll([bobName]),
    alice.presence.getAll([daveName]),
    alice.presence.getAll([aliceName, daveName])
  ]), 5000, 'three queries')
  assert.deepEqual(answers, [{ [bobName]: true }, { [daveName]: false }, { [aliceName]: true, [daveName]: false }])

  bob.close()
  const deadline = Date.now() + 5000
  for (;;) {
    const r = await withTimeout(alice.presence.getAll([bobName]), 5000, 'getAll([bob])')
    if (r[bobName] === false) break
    assert.ok(Date.now() < deadline, `bob still online: ${JSON.stringify(r)}`)
    await sleep(50)
  }
  assert.deepEqual(alice.errors, [])
})

test('two connections of one user: one join, no leave while one is left, one leave at the end', async (t) => {
  const watcher = await loggedInClient(t, OPEN_URL, { username: uid('watcher') })
  const bobName = uid('bob')
  const markers = [uid('marker'), uid('marker'), uid('marker')]
  const all = watchAll(watcher)
  const single = watchUser(watcher, bobName)
  await presenceBarrier(watcher)
  const users = [bobName, ...markers]

  const bob1 = await loggedInClient(t, OPEN_URL, { username: bobName })
  await waitForSeen(all, [bobName, true])
  await waitForSeen(single, [bobName, true])

  // second login of bob: silent. A later user's join marks the point where a join for bob would have arrived
  const bob2 = await loggedInClient(t, OPEN_URL, { username: bobName })
  const marker0 = await loggedInClient(t, OPEN_URL, { username: markers[0] })
  await waitForSeen(all, [markers[0], true])
  await sleep(QUIET_MS)
  assert.deepEqual(about(all, users), [[bobName, true], [markers[0], true]])
  assert.deepEqual(single, [[bobName, true]])
  assert.deepEqual(await withTimeout(watcher.presence.getAll([bobName]), 5000, 'getAll([bob])'), { [bobName]: true })

  // one of bob's connections closes: bob stays online, nobody is told
  bob1.close()
  await sleep(100)
  marker0.close()
  await waitForSeen(all, [markers[0], false])
  await sleep(QUIET_MS)
  assert.deepEqual(about(all, users), [[bobName, true], [markers[0], true], [markers[0], false]])
  assert.deepEqual(single, [[bobName, true]])
  assert.deepEqual(await withTimeout(watcher.presence.getAll([bobName]), 5000, 'getAll([bob])'), { [bobName]: true })
  assert.deepEqual(await onlineAmong(watcher, users), [bobName])

  // the last one closes: exactly one leave (both subscriptions), the global one first
  bob2.close()
  await waitForSeen(single, [bobName, false])
  await waitForSeen(all, [bobName, false])
  const marker1 = await loggedInClient(t, OPEN_URL, { username: markers[1] })
  await waitForSeen(all, [markers[1], true])
  await sleep(QUIET_MS)
  assert.deepEqual(about(all, users), [
    [bobName, true], [markers[0], true], [markers[0], false], [bobName, false], [markers[1], true]
  ])
  assert.deepEqual(single, [[bobName, true], [bobName, false]])
  assert.deepEqual(await withTimeout(watcher.presence.getAll([bobName]), 5000, 'getAll([bob])'), { [bobName]: false })
  marker1.close()
  assert.deepEqual(watcher.errors, [])
})

test('anonymous login (no username) is the user "open": announced, listed and queried like any user', async (t) => {
  const watcher = await loggedInClient(t, OPEN_URL, { username: uid('watcher') })
  const seen = watchAll(watcher)
  await presenceBarrier(watcher)
  assert.equal((await withTimeout(watcher.presence.getAll(['open']), 5000, 'getAll([open])')).open, false,
    'an anonymous user is already online (left over from another test?)')

  const anon = newClient(t, OPEN_URL)
  assert.deepEqual(await login(anon), { success: true, data: null })
  await waitForSeen(seen, ['open', true])
  assert.deepEqual(await onlineAmong(watcher, ['open']), ['open'])
  assert.deepEqual(await withTimeout(watcher.presence.getAll(['open']), 5000, 'getAll([open])'), { open: true })

  anon.close()
  await waitForSeen(seen, ['open', false])
  await sleep(QUIET_MS)
  assert.deepEqual(about(seen, ['open']), [['open', true], ['open', false]])
  assert.deepEqual(await onlineAmong(watcher, ['open']), [])
  assert.deepEqual(watcher.errors, [])
})

test('unsubscribe stops the callbacks: per callback, per user, and everything at once', async (t) => {
  const watcher = await loggedInClient(t, OPEN_URL, { username: uid('watcher') })
  const control = await loggedInClient(t, OPEN_URL, { username: uid('control') })
  const bobName = uid('bob')
  const carolName = uid('carol')
  const daveName = uid('dave')
  const users = [bobName, carolName, daveName]
  // `control` stays subscribed to everything: its callbacks show when notifications have been sent
  const reference = watchAll(control)
  const all = watchAll(watcher)
  const bobOnly = watchUser(watcher, bobName)
  await presenceBarrier(watcher)
  await presenceBarrier(control)

  const bob = await loggedInClient(t, OPEN_URL, { username: bobName })
  await waitForSeen(all, [bobName, true])
  await waitForSeen(bobOnly, [bobName, true])

  // remove both callbacks: UNSUBSCRIBE_ALL and UNSUBSCRIBE(bob) go to the server
  all.unsubscribe()
  bobOnly.unsubscribe()
  await presenceBarrier(watcher)
  bob.close()
  const carol = await loggedInClient(t, OPEN_URL, { username: carolName })
  await waitForSeen(reference, [bobName, false])
  await waitForSeen(reference, [carolName, true])
  await sleep(QUIET_MS)
  assert.deepEqual(about(all, users), [[bobName, true]])
  assert.deepEqual(bobOnly, [[bobName, true]])

  // subscribe again, then presence.unsubscribe() without arguments removes everything
  const again = watchAll(watcher)
  const carolOnly = watchUser(watcher, carolName)
  await presenceBarrier(watcher)
  const dave = await loggedInClient(t, OPEN_URL, { username: daveName })
  await waitForSeen(again, [daveName, true])
  watcher.presence.unsubscribe()
  await presenceBarrier(watcher)
  carol.close()
  dave.close()
  await waitForSeen(reference, [carolName, false])
  await waitForSeen(reference, [daveName, false])
  await sleep(QUIET_MS)
  assert.deepEqual(about(again, users), [[daveName, true]])
  assert.deepEqual(carolOnly, [])
  for (const client of [watcher, control]) assert.deepEqual(client.errors, [])
})
