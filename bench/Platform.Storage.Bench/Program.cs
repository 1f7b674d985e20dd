using BenchmarkDotNet.Running;
using Platform.Storage.Bench;

// dotnet run -c Release --project bench/Platform.Storage.Bench -- [BenchmarkDotNet arguments]   throughput vs the raw SDKs
// dotnet run -c Release --project bench/Platform.Storage.Bench -- peak-memory [providers]      peak RSS, 16 vs 256 MiB
return args switch
{
    ["peak-memory", .. var providers] => await PeakMemory.RunAllAsync(providers.Length > 0 ? providers : BenchTarget.Providers),
    ["peak-memory-case", var provider, var client, var sizeMiB] => await PeakMemory.RunCaseAsync(provider, client, int.Parse(sizeMiB)),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(StorageBenchmarks).Assembly).Run(args);
    return 0;
}
