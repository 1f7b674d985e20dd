using System.Diagnostics;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Platform.AppHost.Bench;

/// <summary>
/// One outage of the preferred cloud under steady traffic through the gateway. <see cref="MovedAfter"/>: seconds from the
/// outage to the first answer another cloud gave; <see cref="LongestRequest"/>: the slowest request that overlapped the
/// outage, as its client saw it; <see cref="BackAfter"/>: seconds from the cloud serving again (healthy, or resumed) to the
/// first answer it gave through the gateway.
/// </summary>
public sealed record FailoverRun(string Outage, double MovedAfter, double LongestRequest, int Requests, int Failed, double BackAfter);

/// <summary>
/// Takes <c>inference-aws</c> out twice while <see cref="Clients"/> clients send the seeded <c>mlp</c> request through the
/// gateway back to back: stopped as the dashboard's Stop does (the process ends; connections are refused), and frozen with
/// SIGSTOP (the port still accepts, nothing answers: requests under way hang until the gateway takes the cloud out).
/// </summary>
public static class Failover
{
    public const int Clients = 4;

    private const string Cloud = "inference-aws";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<IReadOnlyList<FailoverRun>> RunAsync(DistributedApplication app)
    {
        using var gateway = app.CreateHttpClient("gateway");
        gateway.Timeout = TimeSpan.FromSeconds(30);
        var traffic = new Traffic(gateway);
        try
        {
            await traffic.WaitForAsync(answer => answer.Cloud == "aws", DateTime.UtcNow);
            var runs = new List<FailoverRun>
            {
                await OutageAsync(traffic, "stopped (the dashboard's Stop)",
                    () => app.ResourceCommands.ExecuteCommandAsync(Cloud, KnownResourceCommands.StopCommand),
                    async () =>
                    {
                        await app.ResourceCommands.ExecuteCommandAsync(Cloud, KnownResourceCommands.StartCommand);
                        await app.ResourceNotifications.WaitForResourceHealthyAsync(Cloud).WaitAsync(Patience);
                    }),
            };
            var pid = ProcessId(app);
            if (pid is null)
            {
                Console.Error.WriteLine($"No process id for {Cloud}; the frozen outage is not measured.");
            }
            else
            {
                runs.Add(await OutageAsync(traffic, "frozen (SIGSTOP)", () => SignalAsync("STOP", pid.Value), () => SignalAsync("CONT", pid.Value)));
            }
            return runs;
        }
        finally
        {
            await traffic.StopAsync();
        }
    }

    private static async Task<FailoverRun> OutageAsync(Traffic traffic, string outage, Func<Task> takeOut, Func<Task> bringBack)
    {
        Console.Error.WriteLine($"Failover: {Cloud} {outage}.");
        // Steady first: every client answered from aws for a second.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var outAt = DateTime.UtcNow;
        await takeOut();
        var moved = await traffic.WaitForAsync(answer => answer.Cloud is not null and not "aws", outAt);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await bringBack();
        var backAt = DateTime.UtcNow;
        var back = await traffic.WaitForAsync(answer => answer.Cloud == "aws", backAt);
        var window = traffic.Answers.Where(answer => answer.Ended >= outAt && answer.Started <= back.Ended).ToList();
        return new FailoverRun(outage, (moved.Ended - outAt).TotalSeconds, window.Max(answer => answer.Ended - answer.Started).TotalSeconds,
            window.Count, window.Count(answer => !answer.Succeeded), (back.Ended - backAt).TotalSeconds);
    }

    private static int? ProcessId(DistributedApplication app) =>
        app.ResourceNotifications.TryGetCurrentState(Cloud, out var current)
        && current.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value is { } value
        && int.TryParse(value.ToString(), out var pid)
            ? pid
            : null;

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()]);
        await kill.WaitForExitAsync();
    }

    private sealed record Answer(DateTime Started, DateTime Ended, int? Status, string? Cloud)
    {
        public bool Succeeded => Status is >= 200 and < 300;
    }

    /// <summary><see cref="Clients"/> loops, each sending the next request when the last one answered; answers kept in the order they ended.</summary>
    private sealed class Traffic
    {
        private readonly List<Answer> _answers = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _clients;

        public Traffic(HttpClient gateway) =>
            _clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(() => SendUntilStoppedAsync(gateway))).ToArray();

        public IReadOnlyList<Answer> Answers
        {
            get
            {
                lock (_answers)
                {
                    return _answers.ToList();
                }
            }
        }

        /// <summary>The first answer ended after <paramref name="since"/> that satisfies <paramref name="condition"/>.</summary>
        public async Task<Answer> WaitForAsync(Func<Answer, bool> condition, DateTime since)
        {
            var deadline = Stopwatch.StartNew();
            // Each look reads only the answers that came since the last one: thousands arrive a second, on the cores measured.
            var next = 0;
            while (true)
            {
                lock (_answers)
                {
                    for (; next < _answers.Count; next++)
                    {
                        if (_answers[next] is var answer && answer.Ended >= since && condition(answer))
                        {
                            return answer;
                        }
                    }
                }
                if (deadline.Elapsed > Patience)
                {
                    throw new TimeoutException($"No answer as wanted within {Patience.TotalSeconds} s of {since:HH:mm:ss.fff}.");
                }
                await Task.Delay(20);
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_clients);
        }

        private async Task SendUntilStoppedAsync(HttpClient gateway)
        {
            while (!_stop.IsCancellationRequested)
            {
                var started = DateTime.UtcNow;
                int? status = null;
                string? cloud = null;
                try
                {
                    using var response = await gateway.PostAsJsonAsync("/v2/models/mlp/infer", new
                    {
                        inputs = new[] { new { name = "input", shape = new[] { 1, 4 }, datatype = "FP32", data = new[] { 1f, 2f, 3f, 4f } } },
                    });
                    await response.Content.ReadAsByteArrayAsync();
                    status = (int)response.StatusCode;
                    cloud = response.Headers.TryGetValues("X-Served-By-Cloud", out var served) ? served.Single() : null;
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                }
                lock (_answers)
                {
                    _answers.Add(new Answer(started, DateTime.UtcNow, status, cloud));
                }
            }
        }
    }
}
