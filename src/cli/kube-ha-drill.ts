/** The one entry of the tool: `kube-ha-drill <command> [arguments]`, also behind every npm script. */
import { runCommandLine } from './commands.ts';
import { main } from './main.ts';

main(runCommandLine);
