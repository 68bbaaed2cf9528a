// PerfKit.Bench: the benchmark run (no arguments: the default run) and the kit's tools. 'help' lists them all.
return PerfKit.Bench.Cli.BenchCli.Run(args);
