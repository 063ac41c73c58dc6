/** `npm start`: the main demo, the same as `tlsport demo`. */
import { run } from './cli/demo.js';

run().then((code) => { process.exitCode = code; }, (err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
