// Runs every README snippet; each checks its own results and throws if the library does not do what the text says.
PerfKit.Samples.LruMapSample.Run();
PerfKit.Samples.DictionarySample.Run();
PerfKit.Samples.KeyRulesSample.Run();
PerfKit.Samples.LoadBalancerSample.Run();
PerfKit.Samples.PlannerSample.Run();
Console.WriteLine("samples: all ran");
