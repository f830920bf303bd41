// The installed package's folder (where package.json is). Files shipped beside the code
// (migrations, the built web UI, package.json) are found from here, so the same lookups work
// from the TypeScript sources (src/…, through tsx) and from the one-file build (dist/server/).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findPackageRoot (from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`)
  }
}

export const packageRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)))

/** A path inside the package, e.g. packagePath('src', 'db', 'migrations'). */
export function packagePath (...parts: string[]): string {
  return join(packageRoot, ...parts)
}
