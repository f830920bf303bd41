// Stands in for cross-fetch-ponyfill in the server build (bittorrent-tracker and parse-torrent
// import its default fetch). The package reads global.fetch, Blob, FormData, Headers, Request
// and Response as it loads, which makes Node load its whole fetch implementation (undici) at
// start-up, and bundles node-fetch with its polyfills for Node versions without a global
// fetch. Node 20 has one: it is looked up on the first call instead.
export default function fetch (...args) {
  return globalThis.fetch(...args)
}
