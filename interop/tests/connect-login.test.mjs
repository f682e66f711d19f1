// Handshake, login (open and file auth), auth failures, auth timeout, heartbeats, health check.
// Reference recording: /work/shared/protocol/transcripts/connect-login.jsonl

import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import WebSocket from 'ws'
import {
  env, envNumber, login, newClient, loggedInClient, sleep, waitForState, waitForError, withTimeout, collect, barrier, uid
} from './support.mjs'

const OPEN_URL = env('OPEN_URL')
const FILE_URL = env('FILE_URL')
const HEARTBEAT_URL = env('HEARTBEAT_URL')
const AUTH_TIMEOUT_MS = envNumber('FILE_AUTH_TIMEOUT_MS', 4000)
const HEARTBEAT_MS = envNumber('HEARTBEAT_INTERVAL_MS', 1000)

const MISSING_CREDENTIALS = { error: 'missing authentication parameter: username or/and password' }

test('open auth: login with a username succeeds without clientData', async (t) => {
  const client = newClient(t, OPEN_URL)
  const result = await login(client, { username: 'alice' })
  assert.deepEqual(result, { success: true, data: null })
  assert.equal(client.getConnectionState(), 'OPEN')
  assert.deepEqual(client.errors, [])
})

test('open auth: login() without auth data succeeds (promise API)', async (t) => {
  const client = newClient(t, OPEN_URL)
  const clientData = await withTimeout(client.login(), 5000, 'login()')
  assert.equal(clientData, null)
  assert.equal(client.getConnectionState(), 'OPEN')
})

test('open auth: a logged-in client can use the connection (event round trip)', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'a' })
  const b = await loggedInClient(t, OPEN_URL, { username: 'b' })
  const name = uid('login-roundtrip')
  const got = collect(b, name)
  await barrier(a, b)
  a.event.emit(name, { hello: 'world' })
  await barrier(a, b)
  assert.deepEqual(got, [{ hello: 'world' }])
})

test('file auth: userA/pwA logs in and receives its clientData (never its serverData)', async (t) => {
  const client = newClient(t, FILE_URL)
  const result = await login(client, { username: 'userA', password: 'pwA' })
  assert.deepEqual(result, { success: true, data: { favouriteColor: 'red' } })
  assert.equal(client.getConnectionState(), 'OPEN')
})

test('file auth: userB/pwB logs in with clientData null', async (t) => {
  const client = newClient(t, FILE_URL)
  const result = await login(client, { username: 'userB', password: 'pwB' })
  assert.deepEqual(result, { success: true, data: null })
})

test('file auth: missing password fails with the provider\'s reason', async (t) => {
  const client = newClient(t, FILE_URL)
  const result = await login(client, { username: 'userB' })
  assert.deepEqual(result, { success: false, data: { reason: MISSING_CREDENTIALS } })
  assert.equal(client.getConnectionState(), 'AWAITING_AUTHENTICATION')
})

test('file auth: promise API rejects with the same reason', async (t) => {
  const client = newClient(t, FILE_URL)
  await assert.rejects(withTimeout(client.login({ username: 'userB' }), 5000, 'login promise'), (err) => {
    assert.deepEqual(err, { reason: MISSING_CREDENTIALS })
    return true
  })
})

// (Unknown user names are not tested: Eddy's FILE role runs "file,open", where the open provider
// accepts names the users file does not know.)
test('file auth: wrong passwords fail with INVALID_AUTHENTICATION_DETAILS; retry on the same connection succeeds', async (t) => {
  const client = newClient(t, FILE_URL)
  assert.deepEqual(await login(client, { username: 'userA', password: 'wrong' }),
    { success: false, data: { reason: 'INVALID_AUTHENTICATION_DETAILS' } })
  assert.deepEqual(await login(client, { username: 'userA', password: 'PWA' }),
    { success: false, data: { reason: 'INVALID_AUTHENTICATION_DETAILS' } })
  assert.equal(client.getConnectionState(), 'AWAITING_AUTHENTICATION')
  // third attempt is the right one: maxAuthAttempts (3) counts failures only
  assert.deepEqual(await login(client, { username: 'userA', password: 'pwA' }),
    { success: true, data: { favouriteColor: 'red' } })
  assert.equal(client.getConnectionState(), 'OPEN')
  // only one socket was used: no reconnect happened
  assert.equal(client.states.filter((s) => s.state === 'RECONNECTING').length, 0)
  assert.deepEqual(client.errors, [])
})

test('file auth: three failed logins end in TOO_MANY_AUTH_ATTEMPTS without reconnecting', async (t) => {
  const client = newClient(t, FILE_URL)
  assert.deepEqual(await login(client, { username: 'userB' }),
    { success: false, data: { reason: MISSING_CREDENTIALS } })
  assert.deepEqual(await login(client, { username: 'userB', password: 'wrong' }),
    { success: false, data: { reason: 'INVALID_AUTHENTICATION_DETAILS' } })
  assert.deepEqual(await login(client, { username: 'userB', password: 'wrong2' }),
    { success: false, data: { reason: 'INVALID_AUTHENTICATION_DETAILS' } })
  await waitForState(client, 'TOO_MANY_AUTH_ATTEMPTS')
  const error = await waitForError(client, 'TOO_MANY_AUTH_ATTEMPTS', 'AUTH')
  assert.ok(error)
  // the server closes the socket; the client must stay in its final state and not reconnect
  await sleep(1500)
  assert.equal(client.getConnectionState(), 'TOO_MANY_AUTH_ATTEMPTS')
  const states = client.states.map((s) => s.state)
  assert.ok(!states.includes('RECONNECTING'), `unexpected reconnect: ${states.join(' -> ')}`)
  assert.equal(states.at(-1), 'TOO_MANY_AUTH_ATTEMPTS')
  assert.deepEqual(client.errors.map((e) => [e.event, e.topic]), [['TOO_MANY_AUTH_ATTEMPTS', 'AUTH']])
  // a further login attempt is refused by the client: no callback, an IS_CLOSED error instead
  let called = false
  client.login({ username: 'userB', password: 'pwB' }, () => { called = true })
  await waitForError(client, 'IS_CLOSED', 'CONNECTION')
  assert.equal(called, false)
})

test('file auth: a client that never logs in is dropped with AUTHENTICATION_TIMEOUT', async (t) => {
  const client = newClient(t, FILE_URL)
  const started = client.createdAt
  await waitForState(client, 'AWAITING_AUTHENTICATION')
  await waitForState(client, 'AUTHENTICATION_TIMEOUT', AUTH_TIMEOUT_MS + 4000)
  const elapsed = Date.now() - started
  assert.ok(elapsed >= AUTH_TIMEOUT_MS - 500, `timed out too early: ${elapsed} ms`)
  assert.ok(elapsed <= AUTH_TIMEOUT_MS + 2500, `timed out too late: ${elapsed} ms`)
  await waitForError(client, 'AUTHENTICATION_TIMEOUT', 'CONNECTION')
  await sleep(1000)
  assert.equal(client.getConnectionState(), 'AUTHENTICATION_TIMEOUT')
  assert.deepEqual(client.errors.map((e) => [e.event, e.topic]), [['AUTHENTICATION_TIMEOUT', 'CONNECTION']])
  assert.ok(!client.states.map((s) => s.state).includes('RECONNECTING'))
})

test('heartbeat: a client pinging every 300 ms stays connected (server answers PONG)', async (t) => {
  const client = await loggedInClient(t, HEARTBEAT_URL, { username: 'pinger' }, { heartbeatInterval: 300 })
  const seen = client.states.length
  await sleep(3 * HEARTBEAT_MS + 500)
  assert.equal(client.getConnectionState(), 'OPEN')
  const later = client.states.slice(seen)
  assert.deepEqual(later, [], `state changed while idle: ${JSON.stringify(later)}`)
  assert.deepEqual(client.errors, [])
})

// Raw frames (length-delimited protobuf, see protocol README §12):
const CHALLENGE = Buffer.from('0610021a020805', 'hex') // CONNECTION CHALLENGE(5), no fields
const AUTH_REQUEST_EMPTY = Buffer.from('0a10031a06080212027b7d', 'hex') // AUTH REQUEST(2) data "{}"
const ACCEPT = '0610021a020804' // CONNECTION ACCEPT(4)
const AUTH_SUCCESSFUL = '0610031a020803' // AUTH AUTH_SUCCESSFUL(3)

test('heartbeat: a silent raw socket is closed by the server after about 2 heartbeat intervals', async (t) => {
  const ws = new WebSocket(HEARTBEAT_URL)
  t.after(() => ws.terminate())
  const frames = []
  let loggedInAt = 0
  const closed = new Promise((resolve) => ws.on('close', (code) => resolve({ code, at: Date.now() })))
  ws.on('message', (data, isBinary) => {
    frames.push({ hex: Buffer.from(data).toString('hex'), isBinary })
    if (frames.length === 1) ws.send(AUTH_REQUEST_EMPTY)
    if (frames.length === 2) loggedInAt = Date.now()
  })
  await withTimeout(new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) }), 5000, 'raw socket open')
  ws.send(CHALLENGE)
  const { at } = await withTimeout(closed, 6 * HEARTBEAT_MS, 'server to close the silent socket')
  assert.deepEqual(frames.map((f) => f.hex), [ACCEPT, AUTH_SUCCESSFUL])
  assert.ok(frames.every((f) => f.isBinary), 'server frames must be binary')
  const silence = at - loggedInAt
  assert.ok(silence >= 2 * HEARTBEAT_MS - 100, `closed too early: ${silence} ms after the last frame`)
  assert.ok(silence <= 4 * HEARTBEAT_MS + 500, `closed too late: ${silence} ms after the last frame`)
})

test('health check: GET /health-check answers 200 on every server', async () => {
  for (const name of ['OPEN_HEALTH_URL', 'FILE_HEALTH_URL', 'HEARTBEAT_HEALTH_URL']) {
    const status = await withTimeout(httpStatus(env(name)), 5000, `GET ${env(name)}`)
    assert.equal(status, 200, `${name} ${env(name)}`)
  }
})

function httpStatus (url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.on('error', reject)
    req.setTimeout(4000, () => req.destroy(new Error(`GET ${url} timed out`)))
  })
}
