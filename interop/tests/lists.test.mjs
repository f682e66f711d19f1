// Lists: a List is a plain record whose data is a JSON array of strings; every list operation is one
// whole-array UPDATE and all list logic is in the client.
// Reference recording: /work/shared/protocol/transcripts/lists.jsonl

import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  env, loggedInClient, uid, withTimeout, waitFor, barrier,
  readyRecord, readyList, recordChanges, waitForVersion
} from './support.mjs'

const OPEN_URL = env('OPEN_URL')

/** Waits until `list` is at `version` and asserts its entries. */
async function expectList (list, version, entries, what) {
  await waitForVersion(list, version)
  assert.deepEqual(list.getEntries(), entries, what)
}

test('getList of a new record is an empty list at version 0', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'list-owner' })
  const c = await loggedInClient(t, OPEN_URL, { username: 'list-peeker' })
  const name = uid('list-new')
  const list = await readyList(a, name)
  assert.equal(list.name, name)
  assert.equal(list.isReady, true)
  assert.equal(list.version, 0)
  assert.deepEqual(list.getEntries(), [])
  assert.equal(list.isEmpty(), true)
  // on the server it is a record created as {}
  assert.deepEqual(await withTimeout(c.record.snapshot(name), 5000, 'snapshot'), {})
  assert.equal(await withTimeout(c.record.head(name), 5000, 'head'), 0)
  assert.deepEqual(a.errors, [])
})

test('addEntry, insert at index, removeEntry and setEntries are seen by the other client in order', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'list-a' })
  const b = await loggedInClient(t, OPEN_URL, { username: 'list-b' })
  const name = uid('list-ops')
  const la = await readyList(a, name)
  la.addEntry('a')
  la.addEntry('b')
  assert.equal(la.version, 2)
  assert.deepEqual(la.getEntries(), ['a', 'b'])
  await withTimeout(la.setEntriesWithAck(['a', 'b']), 5000, 'no-op setEntriesWithAck') // unchanged: nothing sent

  const lb = await readyList(b, name)
  // A's two writes were sent before B subscribed; B reads them or, at the latest, gets them as updates
  await expectList(lb, 2, ['a', 'b'], 'B reads the existing list')
  const atB = []
  lb.subscribe((entries) => atB.push({ entries, version: lb.version }))
  const added = []
  const removed = []
  lb.on('entry-added', (entry, index) => added.push([entry, index]))
  lb.on('entry-removed', (entry, index) => removed.push([entry, index]))

  la.addEntry('first', 0)
  await expectList(lb, 3, ['first', 'a', 'b'], 'insert at index 0')
  la.removeEntry('a')
  await expectList(lb, 4, ['first', 'b'], 'removeEntry')
  la.addEntry('mid', 1)
  await expectList(lb, 5, ['first', 'mid', 'b'], 'insert at index 1')
  la.addEntry('last', 3)
  await expectList(lb, 6, ['first', 'mid', 'b', 'last'], 'insert at the end by index')
  await withTimeout(la.setEntriesWithAck(['x', 'y', 'z']), 5000, 'setEntriesWithAck')
  await expectList(lb, 7, ['x', 'y', 'z'], 'setEntriesWithAck')
  const cbError = await withTimeout(new Promise((resolve) => la.setEntries(['x', 'y', 'z', 'y'], (error) => resolve(error))),
    5000, 'setEntries with callback')
  assert.equal(cbError, null)
  await expectList(lb, 8, ['x', 'y', 'z', 'y'], 'setEntries with callback')

  assert.deepEqual(atB, [
    { entries: ['first', 'a', 'b'], version: 3 },
    { entries: ['first', 'b'], version: 4 },
    { entries: ['first', 'mid', 'b'], version: 5 },
    { entries: ['first', 'mid', 'b', 'last'], version: 6 },
    { entries: ['x', 'y', 'z'], version: 7 },
    { entries: ['x', 'y', 'z', 'y'], version: 8 }
  ])
  assert.deepEqual(added.slice(0, 3), [['first', 0], ['mid', 1], ['last', 3]])
  assert.deepEqual(removed.slice(0, 1), [['a', 1]])

  // the other direction: B removes one occurrence by index, A sees it
  const atA = []
  la.subscribe((entries) => atA.push({ entries, version: la.version }))
  lb.removeEntry('y', 1)
  assert.deepEqual(lb.getEntries(), ['x', 'z', 'y'])
  await expectList(la, 9, ['x', 'z', 'y'], 'removeEntry with index')
  lb.removeEntry('y') // every occurrence
  await expectList(la, 10, ['x', 'z'], 'removeEntry without index')
  assert.deepEqual(atA, [
    { entries: ['x', 'z', 'y'], version: 9 },
    { entries: ['x', 'z'], version: 10 }
  ])

  // a fresh client reads the final list
  const c = await loggedInClient(t, OPEN_URL, { username: 'list-c' })
  const lc = await readyList(c, name)
  assert.equal(lc.version, 10)
  assert.deepEqual(lc.getEntries(), ['x', 'z'])
  for (const client of [a, b, c]) assert.deepEqual(client.errors, [])
})

test('a list of a record created as {} reads as [] and becomes an array on the first change', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'record-user' })
  const b = await loggedInClient(t, OPEN_URL, { username: 'list-user' })
  const name = uid('list-from-record')
  const record = await readyRecord(a, name)
  assert.deepEqual(record.get(), {})
  const atRecord = recordChanges(record)

  const list = await readyList(b, name)
  assert.equal(list.version, 0)
  assert.deepEqual(list.getEntries(), [])
  assert.equal(list.isEmpty(), true)
  list.addEntry('x')
  assert.equal(list.version, 1)
  await waitForVersion(record, 1)
  assert.deepEqual(record.get(), ['x'])
  assert.deepEqual(atRecord, [{ data: ['x'], version: 1 }])

  // the record view writes an array back; the list follows
  record.set(['x', 'y'])
  await expectList(list, 2, ['x', 'y'], 'array written through the record')
  for (const client of [a, b]) assert.deepEqual(client.errors, [])
})

test('an array written with setDataWithAck is read as a list; a list holder sees a non-array update as []', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'list-holder' })
  const c = await loggedInClient(t, OPEN_URL, { username: 'set-data' })
  const name = uid('list-setdata')
  await withTimeout(c.record.setDataWithAck(name, ['p', 'q']), 5000, 'setDataWithAck(array)')
  const list = await readyList(a, name)
  assert.equal(list.version, 1)
  assert.deepEqual(list.getEntries(), ['p', 'q'])
  const changes = []
  list.subscribe((entries) => changes.push(entries))

  c.record.setData(name, ['p', 'q', 'r'])
  await expectList(list, 2, ['p', 'q', 'r'], 'setData(array)')
  // an object written to a list record: the list shows no entries
  await withTimeout(c.record.setDataWithAck(name, { not: 'a list' }), 5000, 'setDataWithAck(object)')
  await expectList(list, 3, [], 'object written to the list record')
  await barrier(c, a)
  assert.deepEqual(changes, [['p', 'q', 'r'], []])
  for (const client of [a, c]) assert.deepEqual(client.errors, [])
})

test('deleting a list: the other holder gets a delete event', async (t) => {
  const a = await loggedInClient(t, OPEN_URL, { username: 'list-deleter' })
  const b = await loggedInClient(t, OPEN_URL, { username: 'list-watcher' })
  const name = uid('list-delete')
  const la = await readyList(a, name)
  await withTimeout(la.setEntriesWithAck(['one']), 5000, 'setEntriesWithAck')
  const lb = await readyList(b, name)
  assert.deepEqual(lb.getEntries(), ['one'])
  let deleted = 0
  lb.on('delete', () => { deleted++ })
  await withTimeout(la.delete(), 5000, 'list delete')
  await waitFor(() => deleted === 1, 5000, 'delete event on the other holder')
  assert.equal(await withTimeout(b.record.has(name), 5000, 'has'), false)
  for (const client of [a, b]) assert.deepEqual(client.errors, [])
})
