import type { BuildOptions } from 'esbuild'
export function serverBundleOptions (root: string, entry: string, outfile: string): BuildOptions
