// What a process of the bench (a gateway, a subgraph) has used, read from /proc (Linux), and the
// few figures helpers the benches share.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** CPU time a process has used so far (user + system, all its threads), in ms. */
export function cpuMsOf(pid: number): number {
  // After the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th fields.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks are 1/100 s on Linux
}

/** Resident memory of a process now and at its peak (VmRSS, VmHWM), in MB. */
export function rssMbOf(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** This process's CPU time so far, in ms. */
export function ownCpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** The q-quantile of ascending `sorted`, interpolated. */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const loadAverage = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
