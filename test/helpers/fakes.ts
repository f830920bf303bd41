// Fakes for service unit specs: an object with only the members a test needs; reaching any
// other member fails the test with its name instead of an undefined call.
export function fake<T extends object> (members: Partial<T>, what = 'fake'): T {
  return new Proxy(members, {
    get (target, prop) {
      if (prop in target) return (target as Record<PropertyKey, unknown>)[prop]
      if (prop === 'then') return undefined // not a thenable
      throw new Error(`${what}.${String(prop)} is not faked in this test`)
    }
  }) as T
}
