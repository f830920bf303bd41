import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ActivityManager } from '../../src/torrent/activity.ts'
import { RateMeter } from '../../src/torrent/rate-limit.ts'

test('activity: torrents not marked for idle_timeout are reported idle; stop() ends the timer', () => {
  const idle: string[] = []
  const am = new ActivityManager({ enabled: true, timeoutMs: 1000, intervalMs: 50 }, h => idle.push(h))
  am.markActive('a')
  am.markActive('b')
  const t0 = am.lastActivity('b')!.getTime()
  am.check(t0 + 900)
  assert.equal(idle.length, 0)
  am.check(t0 + 5000)
  assert.deepEqual([...idle].sort(), ['a', 'b'])
  am.forget('a')
  assert.equal(am.lastActivity('a'), null)
  am.start()
  am.stop()
})

test('rate meter: sliding window, exactly 0 once a window passes without bytes', () => {
  const m = new RateMeter(500, 4)
  m.add(1000)
  m.tick()
  assert.equal(m.rate, 1000 * 1000 / 2000)
  for (let i = 0; i < 4; i++) m.tick()
  assert.equal(m.rate, 0)
})
