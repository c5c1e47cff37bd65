// Development and tests: the spec pool's threads load the TypeScript task through tsx's
// module hooks, registered inside the thread (production loads server-build/spec-task.js).
import { register } from 'tsx/esm/api'

register()
const task = await import('./analyze-task.ts')

export default task.default
