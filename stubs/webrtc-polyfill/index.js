// WebRTC is never used by momoshtrem (no web seeds over WebRTC, no websocket trackers).
// Exporting undefined constructors makes any accidental use fail loudly instead of hanging.
export const RTCPeerConnection = undefined
export const RTCSessionDescription = undefined
export const RTCIceCandidate = undefined
export default {}
