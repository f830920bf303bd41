// The streaming layer finds an assigned file the way the assignment domain does (one lookup,
// assignments/file-choice.ts); handle.ts and warmup.ts import it from here.
export { assignedFile as findFile } from '../assignments/file-choice.ts'
