/**
 * The heap the monitor's Node process may use. Flex Consumption's default instance has 2,048 MB
 * (infra/app/monitor.bicep, instanceMemoryMB); V8 sizes its heap from the host, not from that
 * instance, and would let garbage pile up past it before collecting. The deployment passes this
 * limit to the Functions Node worker (languageWorkers__node__arguments) and `npm run bench` runs
 * the monitor with it, so the memory the benchmark reports is the deployed configuration's.
 */
export const MONITOR_MAX_OLD_SPACE_MB = 1280;
export const MONITOR_NODE_ARGUMENTS = `--max-old-space-size=${MONITOR_MAX_OLD_SPACE_MB}`;
