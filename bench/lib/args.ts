/** Command-line options of the benchmarks: `--quick` and `--name value` pairs. */
export interface BenchArgs {
  /** Every argument, to hand on to a child process running one variant. */
  args: string[];
  quick: boolean;
  opt(name: string): string | undefined;
}

export function benchArgs(args: string[] = process.argv.slice(2)): BenchArgs {
  return {
    args,
    quick: args.includes('--quick'),
    opt(name) {
      const i = args.indexOf(name);
      return i >= 0 ? args[i + 1] : undefined;
    },
  };
}
