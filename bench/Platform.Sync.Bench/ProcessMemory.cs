using System.Globalization;

namespace Platform.Sync.Bench;

/// <summary>A process's resident memory, read from /proc/&lt;pid&gt;/status.</summary>
public static class ProcessMemory
{
    /// <summary>
    /// Starts the peak over from the current resident set size (Linux: writing 5 to /proc/&lt;pid&gt;/clear_refs), so that
    /// <see cref="PeakResidentBytes"/> covers what follows, not the warm-up.
    /// </summary>
    public static void ResetPeak(int processId) => File.WriteAllText($"/proc/{processId}/clear_refs", "5");

    /// <summary>The peak resident set size so far (VmHWM) in bytes, or null once the process is gone.</summary>
    public static long? PeakResidentBytes(int processId) => Read(processId, "VmHWM:");

    /// <summary>The resident set size now (VmRSS) in bytes, or null once the process is gone.</summary>
    public static long? ResidentBytes(int processId) => Read(processId, "VmRSS:");

    private static long? Read(int processId, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(line => line.StartsWith(field, StringComparison.Ordinal));
            // "VmHWM:    123456 kB"
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
