/**
 * Pins the servers a bench compares to one CPU and everything else it started (this process, the load generator,
 * and the upstream) to the others, with util-linux `taskset`.
 *
 * Why: this machine's two vCPUs run at different speeds for tens of seconds at a time. Left to the scheduler, the
 * gateway and its baseline can sit on different vCPUs, so the two halves of a pair of rounds meet different CPUs: in
 * one run the gateway's CPU per request read 1.6–2.0 ms for five rounds in a row while the baseline's, in the
 * rounds between, read 1.2–1.6 ms. On one CPU both halves of a pair meet the same one (BENCHMARKS.md, 2026-11-29
 * 18:57). Where `taskset` or a second CPU is missing, nothing is pinned and the returned line says so. `release()`
 * gives this process every CPU again (the children pinned are meant to be stopped).
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export function pinServersUnderTest(
  underTest: { pid: number }[],
  others: { pid: number }[],
): { pinned: boolean; line: string; release(): void } {
  const cpus = availableParallelism();
  const off = (why: string) => ({ pinned: false, line: `CPU pinning: off (${why})`, release: () => {} });
  if (process.platform !== 'linux' || cpus < 2) return off('needs Linux and two CPUs');
  const pin = (pid: number, cpuList: string) =>
    execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
  const serverCpu = String(cpus - 1);
  const otherCpus = cpus === 2 ? '0' : `0-${cpus - 2}`;
  try {
    // -a: every thread the process has now; threads started later inherit their creator's CPUs.
    for (const { pid } of underTest) pin(pid, serverCpu);
    for (const { pid } of [...others, { pid: process.pid }]) pin(pid, otherCpus);
  } catch (err) {
    return off(`taskset failed: ${(err as Error).message}`);
  }
  return {
    pinned: true,
    line: `CPU pinning: servers under test on CPU ${serverCpu}; this process and the upstream on CPU ${otherCpus}`,
    release: () => pin(process.pid, `0-${cpus - 1}`),
  };
}
