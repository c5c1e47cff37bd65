// Development and tests: the log writer's thread loads the TypeScript task through tsx's
// module hooks, registered inside the thread (production loads server-build/log-task.js).
import { register } from 'tsx/esm/api'

register()
const task = await import('./log-task.ts')

export default task.default
