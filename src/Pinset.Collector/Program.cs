// Pinset.Collector: docs/collector.md. Everything is built in CollectorApp, which the tests and the benchmark start too.
return await Pinset.Collector.CollectorApp.RunAsync(args);
