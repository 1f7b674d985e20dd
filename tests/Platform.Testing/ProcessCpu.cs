using System.Globalization;

namespace Platform.Testing;

/// <summary>
/// CPU time (user + system) of processes, read from /proc/&lt;pid&gt;/stat, and of the whole machine, read from /proc/stat,
/// for the benchmarks to show where the machine's cores went: in the server measured, the load generator, or the emulators.
/// </summary>
public static class ProcessCpu
{
    /// <summary>Linux reports utime and stime in USER_HZ ticks, which is 100 on every mainstream architecture.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>The emulators and the broker this bench started, by role, as CPU-time readers.</summary>
    public static IReadOnlyDictionary<string, int> Servers()
    {
        var roles = new Dictionary<string, int>();
        foreach (var pid in Descendants(Environment.ProcessId))
        {
            var commandLine = CommandLine(pid);
            var role = commandLine.Contains("moto_server", StringComparison.Ordinal) ? "moto"
                : commandLine.Contains("azurite", StringComparison.Ordinal) ? "Azurite"
                : commandLine.Contains("beam.smp", StringComparison.Ordinal) || commandLine.Contains("/beam", StringComparison.Ordinal) ? "RabbitMQ"
                : null;
            if (role is not null)
            {
                roles.TryAdd(role, pid);
            }
        }
        return roles;
    }

    /// <summary>The CPU time <paramref name="processId"/> has used so far, or null once it is gone.</summary>
    public static TimeSpan? Of(int processId) =>
        Stat(processId) is { } fields
            ? TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond)
            : null;

    /// <summary>Every core's busy time so far (user, nice, system, irq, softirq and steal from the first line of /proc/stat).</summary>
    public static TimeSpan MachineBusy()
    {
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(tick => long.Parse(tick, CultureInfo.InvariantCulture)).ToArray();
        // Columns: user nice system idle iowait irq softirq steal ...; idle and iowait are not busy.
        return TimeSpan.FromSeconds((ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]) / TicksPerSecond);
    }

    public static IReadOnlyDictionary<string, TimeSpan> Snapshot(IReadOnlyDictionary<string, int> processes) =>
        processes.ToDictionary(process => process.Key, process => Of(process.Value) ?? TimeSpan.Zero);

    public static IReadOnlyDictionary<string, TimeSpan> Since(IReadOnlyDictionary<string, TimeSpan> before, IReadOnlyDictionary<string, int> processes) =>
        Snapshot(processes).ToDictionary(now => now.Key, now => now.Value - before.GetValueOrDefault(now.Key));

    /// <summary>The fields of /proc/&lt;pid&gt;/stat after the command name: [0] is the state (field 3), [1] the parent, [11] utime, [12] stime.</summary>
    private static string[]? Stat(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            // The command name is parenthesised and may itself contain spaces or parentheses.
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string CommandLine(int processId)
    {
        try
        {
            return File.ReadAllText($"/proc/{processId}/cmdline").Replace('\0', ' ');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static IEnumerable<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out var pid) && Stat(pid) is { } fields)
            {
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }
        var found = new HashSet<int> { root };
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, parent) in parents)
            {
                if (found.Contains(parent) && found.Add(pid))
                {
                    grew = true;
                }
            }
        }
        while (grew);
        found.Remove(root);
        return found;
    }
}
