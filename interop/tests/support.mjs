// Shared helpers for the interop tests. Every wait is bounded; every client made through
// newClient() is closed when the test that made it ends.

import { DeepstreamClient } from '@deepstream/client'

export const DEFAULT_TIMEOUT_MS = 5000

/** Server URL from the environment (set by run.mjs), e.g. env('OPEN_URL'). */
export function env (name) {
  const value = process.env[name]
  if (!value) throw new Error(`environment variable ${name} is not set (start the tests through run.mjs)`)
  return value
}

export const envNumber = (name, fallback) => {
  const v = process.env[name]
  return v === undefined || v === '' ? fallback : Number(v)
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Rejects with a descriptive error when promise does not settle within ms. */
export function withTimeout (promise, ms, what) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Polls predicate every 20 ms until it returns truthy; rejects after ms. `what` describes the
 * wait; it may be a function, called at the deadline (to show the state at that moment).
 */
export async function waitFor (predicate, ms, what) {
  const deadline = Date.now() + ms
  for (;;) {
    const value = predicate()
    if (value) return value
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'function' ? what() : what}`)
    }
    await sleep(20)
  }
}

let uidCounter = 0
/** Unique name suffix so tests never share event names. */
export function uid (prefix = 'n') {
  uidCounter += 1
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${uidCounter}`
}

/**
 * Creates a client that is closed automatically when test t ends. The returned client records every
 * 'error' event as {event, topic, meta, at} in client.errors and every connection state in
 * client.states.
 */
export function newClient (t, url, options = {}) {
  const client = new DeepstreamClient(url, options)
  client.errors = []
  client.states = []
  client.createdAt = Date.now()
  client.on('error', (meta, event, topic) => {
    client.errors.push({ event, topic, meta, at: Date.now() })
  })
  client.on('connectionStateChanged', (state) => {
    client.states.push({ state, at: Date.now() })
  })
  t.after(() => {
    try { client.close() } catch { /* already closed */ }
  })
  return client
}

/** login through the callback API; resolves {success, data} (never rejects unless it times out). */
export function login (client, authData, ms = DEFAULT_TIMEOUT_MS) {
  const result = new Promise((resolve) => {
    const cb = (success, data) => resolve({ success, data })
    if (authData === undefined) client.login(cb)
    else client.login(authData, cb)
  })
  return withTimeout(result, ms, `login ${JSON.stringify(authData)}`)
}

/** A client on url that is logged in (asserted) with authData; closed when t ends. */
export async function loggedInClient (t, url, authData = {}, options = {}) {
  const client = newClient(t, url, options)
  const { success, data } = await login(client, authData)
  if (!success) throw new Error(`login ${JSON.stringify(authData)} failed: ${JSON.stringify(data)}`)
  return client
}

/** Waits until client reaches connection state `state`. */
export function waitForState (client, state, ms = DEFAULT_TIMEOUT_MS) {
  return waitFor(() => client.getConnectionState() === state, ms, `connection state ${state} (now ${client.getConnectionState()})`)
}

/** Waits for the first recorded error event named `event` (optionally on `topic`). */
export function waitForError (client, event, topic, ms = DEFAULT_TIMEOUT_MS) {
  return waitFor(
    () => client.errors.find((e) => e.event === event && (topic === undefined || e.topic === topic)),
    ms,
    `error event ${event}${topic ? ` on ${topic}` : ''} (seen: ${JSON.stringify(client.errors.map((e) => [e.event, e.topic]))})`
  )
}

/** Subscribes to event `name` and records every delivered value in the returned array. */
export function collect (client, name) {
  const values = []
  const callback = (data) => { values.push(data) }
  client.event.subscribe(name, callback)
  Object.defineProperty(values, 'unsubscribe', { value: () => client.event.unsubscribe(name, callback) })
  return values
}

/**
 * Ordering barrier through the server, using only events:
 * `subscriber` subscribes a fresh name and `emitter` emits it every 50 ms until the subscriber
 * receives it. When this resolves, the server has processed every message the subscriber sent
 * before the barrier (its pending subscribes/unsubscribes are flushed first), and every message
 * the emitter sent before the barrier has been fanned out to the subscriber already (one
 * connection's messages are processed and delivered in order).
 */
export async function barrier (emitter, subscriber, ms = DEFAULT_TIMEOUT_MS) {
  // the client batches (un)subscriptions for subscriptionInterval (100 ms) and sends the
  // subscribe batch before the unsubscribe batch: let pending batches go out first
  await sleep(150)
  const name = uid('barrier')
  let received = false
  const callback = () => { received = true }
  subscriber.event.subscribe(name, callback)
  const deadline = Date.now() + ms
  try {
    while (!received) {
      if (Date.now() >= deadline) throw new Error(`barrier ${name} not delivered within ${ms} ms`)
      emitter.event.emit(name, 'sync')
      await sleep(50)
    }
  } finally {
    subscriber.event.unsubscribe(name, callback)
  }
}

/** Makes a listen-callback recorder: records {name, at} for each match and answers per `answer`. */
export function provider (client, pattern, answer, { topic = 'event' } = {}) {
  const p = { client, pattern, matches: [], accepted: [], rejected: [], stopped: [] }
  client[topic].listen(pattern, (name, response) => {
    p.matches.push({ name, at: Date.now() })
    const decision = typeof answer === 'function' ? answer(name) : answer
    if (decision === 'accept') {
      response.onStop((stoppedName) => p.stopped.push({ name: stoppedName, at: Date.now() }))
      response.accept()
      p.accepted.push(name)
    } else if (decision === 'reject') {
      response.reject()
      p.rejected.push(name)
    } else {
      // silent: remember the response so the test can answer late
      p.pending = p.pending || new Map()
      p.pending.set(name, response)
    }
  })
  return p
}

// ---------------------------------------------------------------------------------------------
// records and lists

/** Resolves with the record/list/anonymous record once it is ready (bounded). */
export function ready (record, ms = DEFAULT_TIMEOUT_MS, what = `record ${record.name} ready`) {
  return withTimeout(record.whenReady(), ms, what)
}

/** getRecord + whenReady (bounded). */
export function readyRecord (client, name, ms = DEFAULT_TIMEOUT_MS) {
  return ready(client.record.getRecord(name), ms, `record ${name} ready`)
}

/** getList + whenReady (bounded). */
export function readyList (client, name, ms = DEFAULT_TIMEOUT_MS) {
  return ready(client.record.getList(name), ms, `list ${name} ready`)
}

/**
 * Subscribes to a record (or list) and records every change callback as {data, version} in the
 * returned array (version = the record's version when the callback ran). `path` is optional.
 */
export function recordChanges (record, path) {
  const changes = []
  const callback = (data) => { changes.push({ data, version: record.version }) }
  if (path === undefined) record.subscribe(callback)
  else record.subscribe(path, callback)
  Object.defineProperty(changes, 'unsubscribe', {
    value: () => (path === undefined ? record.unsubscribe(callback) : record.unsubscribe(path, callback))
  })
  return changes
}

/** Waits until record.version === version; the error message shows the record's state. */
export function waitForVersion (record, version, ms = DEFAULT_TIMEOUT_MS) {
  return waitFor(() => record.version === version, ms,
    () => `${record.name} version ${version} (now ${record.version}, data ${JSON.stringify(record.get())})`)
}

// ---------------------------------------------------------------------------------------------
// promise outcomes (RPC) and presence

/**
 * Waits (bounded) for promise to settle and resolves how it ended: {ok: true, value, at} or
 * {ok: false, error, at} (at = Date.now() when it settled). Rejects only on the timeout.
 */
export function settle (promise, ms, what) {
  const outcome = Promise.resolve(promise).then(
    (value) => ({ ok: true, value, at: Date.now() }),
    (error) => ({ ok: false, error, at: Date.now() })
  )
  return withTimeout(outcome, ms, what)
}

/**
 * Ordering point for presence: lets a pending (100 ms batched) SUBSCRIBE/UNSUBSCRIBE go out, then
 * waits for a getAll() answer. The server answers one connection's messages in order, so once this
 * resolves every presence (un)subscription the client made before has been processed.
 */
export async function presenceBarrier (client, ms = DEFAULT_TIMEOUT_MS) {
  await sleep(150)
  return withTimeout(client.presence.getAll(), ms, 'presence getAll() as a barrier')
}
