// Names of TMDB images as the API takes them, and the answer the image service gives.

/** TMDB's image sizes (poster and backdrop sizes together; 'original' is the uploaded file). */
export const IMAGE_SIZES = ['w92', 'w154', 'w185', 'w342', 'w500', 'w780', 'w1280', 'original'] as const
export type ImageSize = (typeof IMAGE_SIZES)[number]

/**
 * A TMDB file name: its poster_path or backdrop_path without the leading '/'. Strict, because
 * it becomes a file name in the disk cache and part of an upstream URL: no dots but the
 * extension's, no slashes, nothing to escape.
 */
export const IMAGE_FILE_PATTERN = '^[A-Za-z0-9_-]+\\.(jpg|png|svg|webp)$'
const FILE_RE = new RegExp(IMAGE_FILE_PATTERN)

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  svg: 'image/svg+xml',
  webp: 'image/webp'
}

export function isImageFile (file: string): boolean {
  return FILE_RE.test(file) && file.length <= 200
}

export function isImageSize (size: string): size is ImageSize {
  return (IMAGE_SIZES as readonly string[]).includes(size)
}

/** The content type of a valid image file name, from its extension. */
export function contentTypeOf (file: string): string {
  return CONTENT_TYPES[file.slice(file.lastIndexOf('.') + 1)] ?? 'application/octet-stream'
}

/** An image, or the placeholder served when it cannot be had now (never cached by browsers). */
export interface ImageAnswer {
  data: Buffer
  contentType: string
  placeholder: boolean
}
