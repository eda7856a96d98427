/** Entry point of the kernel process: `node dist/kernel/main.js <connection-file>`. */
import { runKernel } from './kernel';

if (require.main === module) {
  runKernel(process.argv[2]).catch((e) => {
    process.stderr.write(`cnnlab kernel: ${e?.stack ?? e}\n`);
    process.exit(1);
  });
}
