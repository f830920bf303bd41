// Imports a package that ships no type declarations, without declaring it globally (the
// engine may declare some of the same modules under src/; two ambient declarations of one
// module would clash). Callers cast the result to a small local interface.
export async function importUntyped<T = any> (specifier: string): Promise<T> {
  const name: string = specifier
  return await import(name) as T
}
