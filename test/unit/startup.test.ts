import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Startup, StartupError } from '../../src/startup.ts'

test('a failing step closes what earlier steps opened, newest first, and names itself', async () => {
  const closed: string[] = []
  const s = new Startup()
  const db = await s.step('open the database', () => 'db', (v) => { closed.push(v) })
  assert.equal(db, 'db')
  await s.step('start the engine', async () => 'engine', async (v) => { closed.push(v) })
  await s.step('a step with nothing to close', () => 1)
  const boom = new Error('EADDRINUSE: port 6881')
  await assert.rejects(s.step('listen for peers', () => { throw boom }), (err: unknown) => {
    assert.ok(err instanceof StartupError)
    assert.equal(err.step, 'listen for peers')
    assert.equal(err.cause, boom)
    assert.match(err.message, /start-up failed at "listen for peers": EADDRINUSE/)
    return true
  })
  assert.deepEqual(closed, ['engine', 'db'])
})

test('a close that throws does not stop the others; done() hands everything to the app', async () => {
  const closed: string[] = []
  const s = new Startup()
  await s.step('a', () => 'a', () => { closed.push('a') })
  await s.step('b', () => 'b', () => { throw new Error('b will not close') })
  await assert.rejects(s.step('c', async () => { throw new Error('c failed') }), StartupError)
  assert.deepEqual(closed, ['a'])

  const ok = new Startup()
  await ok.step('x', () => 'x', () => { closed.push('x') })
  ok.done()
  await assert.rejects(ok.step('y', () => { throw new Error('late') }), StartupError)
  assert.deepEqual(closed, ['a'], 'after done() nothing is closed by start-up')
})
